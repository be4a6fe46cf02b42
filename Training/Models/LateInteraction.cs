using TorchSharp;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// The output layer of a two-tower model: maps each tower's last-layer output to its stored form (the item side is
/// what serving precomputes) and scores a user against a candidate. FIT uses LSS; its §5.4.1 ablations swap in the
/// dot product, sum-max or an FC over the similarity matrix.
/// </summary>
public abstract class LateInteraction : nn.Module
{
    /// <summary>Creates the base.</summary>
    protected LateInteraction(string name) : base(name)
    {
    }

    /// <summary>H_u: user representations per user.</summary>
    public abstract int UserHeadCount { get; }

    /// <summary>p: width of each representation.</summary>
    public abstract int HeadDim { get; }

    /// <summary>User sub-spaces z_u, <c>[..., H_u, p]</c>, from h_u^L <c>[..., d_L]</c>.</summary>
    public abstract Tensor UserHeads(Tensor userRepresentation);

    /// <summary>Item sub-spaces z_v, <c>[..., H_v, p]</c>, from h_v^L <c>[..., d_L]</c> (precomputable per item).</summary>
    public abstract Tensor ItemHeads(Tensor itemRepresentation);

    /// <summary>The score p_uv (a logit), <c>[B]</c>, from z_u <c>[B, H_u, p]</c> and z_v <c>[B, H_v, p]</c>.</summary>
    public abstract Tensor Score(Tensor userHeads, Tensor itemHeads);
}
