using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>Multi-head representations: one projected vector split into H sub-spaces of width p.</summary>
public static class MultiHead
{
    /// <summary>Reshapes <c>[..., heads · headDim]</c> into <c>[..., heads, headDim]</c> (head h = columns h·p .. h·p + p − 1).</summary>
    public static Tensor Split(Tensor projected, int heads, int headDim) =>
        projected.reshape([.. projected.shape[..^1], heads, headDim]);
}
