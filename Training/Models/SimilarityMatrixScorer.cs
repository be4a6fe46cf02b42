using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// Multi-head sub-spaces as in LSS (FIT, eq. 11–12) and their similarity matrix S (eq. 13), reduced by sum-max
/// (eq. 10, the "w SumMax" ablation) or by an FC layer over Flatten(S) and a projection (eq. 17, "w FC").
/// </summary>
/// <remarks>
/// Eq. 17 is p_uv = w′ᵀ(W_3 Flatten(S) + b_3) with W_3 ∈ R^{d×H_uH_v}; the text gives b_3 ∈ R^{H_uH_v}, which cannot be
/// added to W_3 Flatten(S) ∈ R^d, so b_3 ∈ R^d here. As written there is no activation: the score is linear in S.
/// Flatten is row-major (index i·H_v + j).
/// </remarks>
public sealed class SimilarityMatrixScorer : LateInteraction
{
    private readonly Linear user_heads;
    private readonly Linear item_heads;
    private readonly Linear? fc;
    private readonly Linear? projection;
    private readonly int _itemHeadCount;

    /// <summary>Creates the scorer.</summary>
    /// <param name="reduction"><see cref="FitScorer.SumMax"/> or <see cref="FitScorer.Fc"/>.</param>
    /// <param name="userDim">d_L of the user tower output.</param>
    /// <param name="itemDim">d_L of the item tower output.</param>
    /// <param name="userHeads">H_u.</param>
    /// <param name="itemHeads">H_v.</param>
    /// <param name="headDim">p.</param>
    /// <param name="width">d, the width of eq. 17's FC layer (the feature embedding dimension, as LSS).</param>
    public SimilarityMatrixScorer(FitScorer reduction, int userDim, int itemDim, int userHeads, int itemHeads, int headDim, int width)
        : base(nameof(SimilarityMatrixScorer))
    {
        if (reduction is not (FitScorer.SumMax or FitScorer.Fc))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "The similarity matrix is reduced by sum-max or FC.");
        }

        UserHeadCount = userHeads;
        _itemHeadCount = itemHeads;
        HeadDim = headDim;
        user_heads = nn.Linear(userDim, userHeads * headDim);
        item_heads = nn.Linear(itemDim, itemHeads * headDim);
        if (reduction == FitScorer.Fc)
        {
            fc = nn.Linear(userHeads * itemHeads, width);
            projection = nn.Linear(width, 1, hasBias: false);
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override int UserHeadCount { get; }

    /// <inheritdoc />
    public override int HeadDim { get; }

    /// <inheritdoc />
    public override Tensor UserHeads(Tensor userRepresentation) =>
        MultiHead.Split(user_heads.call(userRepresentation), UserHeadCount, HeadDim); // FIT, eq. 11

    /// <inheritdoc />
    public override Tensor ItemHeads(Tensor itemRepresentation) =>
        MultiHead.Split(item_heads.call(itemRepresentation), _itemHeadCount, HeadDim); // FIT, eq. 12

    /// <inheritdoc />
    public override Tensor Score(Tensor userHeads, Tensor itemHeads)
    {
        var s = userHeads.bmm(itemHeads.transpose(1, 2)); // FIT, eq. 13, [B, H_u, H_v]
        if (fc is null || projection is null)
        {
            return SumMax.Reduce(s); // FIT, eq. 10
        }

        var flat = s.reshape(s.shape[0], -1);
        return projection.call(fc.call(flat)).squeeze(-1); // FIT, eq. 17: w′ᵀ(W_3 Flatten(S) + b_3)
    }
}
