using TorchSharp;
using static TorchSharp.torch;

namespace FitCluster.Training.Tests.Models;

/// <summary>Small helpers for setting weights by name and reading tensors back in tests.</summary>
internal static class TorchTestHelpers
{
    public static void Set(nn.Module module, string name, float[] values)
    {
        var parameter = module.named_parameters().Single(p => p.name == name).parameter;
        Assert.Equal(parameter.numel(), values.Length);
        using var noGrad = no_grad();
        parameter.copy_(tensor(values).reshape(parameter.shape));
    }

    public static Tensor Get(nn.Module module, string name) => module.named_parameters().Single(p => p.name == name).parameter;

    public static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    public static void AssertClose(float[] expected, Tensor actual, double tolerance = 1e-5)
    {
        var values = Values(actual);
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {values[i]}");
        }
    }
}
