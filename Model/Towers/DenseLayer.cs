using System.Numerics.Tensors;
using FitCluster.Model.Numerics;

namespace FitCluster.Model.Towers;

/// <summary>A fully connected layer y = xW + b (W input-major, batch norm folded in), optionally followed by ReLU.</summary>
internal sealed class DenseLayer(float[] weight, float[] bias, int inputs, int outputs, bool relu)
{
    public int Inputs { get; } = inputs;

    public int Outputs { get; } = outputs;

    /// <summary>output[rows, Outputs] = act(input[rows, Inputs] W + b).</summary>
    public void Forward(ReadOnlySpan<float> input, int rows, Span<float> output)
    {
        for (var r = 0; r < rows; r++)
        {
            bias.CopyTo(output.Slice(r * Outputs, Outputs));
        }

        Gemm.MultiplyAdd(input[..(rows * Inputs)], rows, Inputs, weight, Outputs, output[..(rows * Outputs)]);
        if (relu)
        {
            TensorPrimitives.Max(output[..(rows * Outputs)], 0f, output[..(rows * Outputs)]);
        }
    }
}
