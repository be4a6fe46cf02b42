using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>DSSM's output layer: the dot product of L2-normalised tower outputs times a learned smoothing factor γ.</summary>
public static class ScaledCosine
{
    /// <summary>h / ‖h‖₂ over the last dimension (FIT, eq. 2).</summary>
    public static Tensor Normalize(Tensor representation) => nn.functional.normalize(representation, p: 2, dim: -1);

    /// <summary>γ · h_uᵀ h_v per row, <c>[B]</c>, for already normalised <c>[B, d]</c> representations (FIT, eq. 3; DSSM's γ).</summary>
    /// <param name="user">h_u, <c>[B, d]</c>.</param>
    /// <param name="item">h_v, <c>[B, d]</c>.</param>
    /// <param name="scale">γ, a one-element tensor.</param>
    public static Tensor Score(Tensor user, Tensor item, Tensor scale) => (user * item).sum(-1) * scale;
}
