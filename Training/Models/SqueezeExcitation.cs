using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// COLD's SE block: one importance weight per feature group from all group embeddings, s = σ(W[e_1, …, e_M] + b) with
/// s ∈ R^M, and each group rescaled, e′_i = s_i · e_i.
/// </summary>
/// <remarks>COLD uses s to rank feature groups and keep the top ones; here every group is kept and only reweighted.</remarks>
public sealed class SqueezeExcitation : nn.Module<Tensor, Tensor>
{
    private readonly Linear excitation;
    private readonly int _groups;
    private readonly int _groupDim;

    /// <summary>Creates the block for <paramref name="groups"/> groups of width <paramref name="groupDim"/>.</summary>
    public SqueezeExcitation(int groups, int groupDim) : base(nameof(SqueezeExcitation))
    {
        _groups = groups;
        _groupDim = groupDim;
        excitation = nn.Linear(groups * groupDim, groups);
        RegisterComponents();
    }

    /// <summary>The group weights s, <c>[B, M]</c>, from the concatenated groups <c>[B, M · k]</c>.</summary>
    public Tensor Weights(Tensor groups) => sigmoid(excitation.call(groups));

    /// <summary>[s_1 e_1, …, s_M e_M], <c>[B, M · k]</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        var split = input.reshape(-1, _groups, _groupDim);
        return (split * Weights(input).unsqueeze(-1)).reshape(-1, _groups * _groupDim);
    }
}
