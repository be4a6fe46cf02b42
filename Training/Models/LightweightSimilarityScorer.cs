using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// FIT's Lightweight Similarity Scorer (§4.2): multi-head user/item sub-spaces, the H_u × H_v similarity matrix, a
/// row-wise then a column-wise FC and a linear projection to the score.
/// </summary>
/// <remarks>
/// Eq. 14–15 state W_1 ∈ R^{d×H_u} and W_2 ∈ R^{d×d}, which do not compose with S ∈ R^{H_u×H_v}. We take the shapes
/// that give the text's S′ ∈ R^{H_u×d} and S″ ∈ R^{d×d}: the row-wise FC maps each row S_{i,:} ∈ R^{H_v} with
/// W_1 ∈ R^{d×H_v}, b_1 ∈ R^d; the column-wise FC maps each column S′_{:,j} ∈ R^{H_u} with W_2 ∈ R^{d×H_u}, b_2 ∈ R^d.
/// S″ is flattened row-major (index i·d + j) for eq. 16, whose projection w ∈ R^{d²} has no bias, as written.
/// </remarks>
public sealed class LightweightSimilarityScorer : LateInteraction
{
    private readonly Linear user_heads;
    private readonly Linear item_heads;
    private readonly Linear row_fc;
    private readonly Linear column_fc;
    private readonly Linear projection;

    /// <summary>Creates the scorer.</summary>
    /// <param name="userDim">d_L of the user tower output.</param>
    /// <param name="itemDim">d_L of the item tower output.</param>
    /// <param name="userHeads">H_u.</param>
    /// <param name="itemHeads">H_v.</param>
    /// <param name="headDim">p.</param>
    /// <param name="width">d, the row/column FC width (the feature embedding dimension).</param>
    public LightweightSimilarityScorer(int userDim, int itemDim, int userHeads, int itemHeads, int headDim, int width)
        : base(nameof(LightweightSimilarityScorer))
    {
        UserHeadCount = userHeads;
        ItemHeadCount = itemHeads;
        HeadDim = headDim;
        Width = width;
        user_heads = nn.Linear(userDim, userHeads * headDim);
        item_heads = nn.Linear(itemDim, itemHeads * headDim);
        row_fc = nn.Linear(itemHeads, width);
        column_fc = nn.Linear(userHeads, width);
        projection = nn.Linear(width * width, 1, hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int UserHeadCount { get; }

    /// <summary>H_v.</summary>
    public int ItemHeadCount { get; }

    /// <inheritdoc />
    public override int HeadDim { get; }

    /// <summary>d.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public override Tensor UserHeads(Tensor userRepresentation) =>
        MultiHead.Split(user_heads.call(userRepresentation), UserHeadCount, HeadDim); // FIT, eq. 11: all H_u heads W_u^h h_u^L + b_u^h at once

    /// <inheritdoc />
    public override Tensor ItemHeads(Tensor itemRepresentation) =>
        MultiHead.Split(item_heads.call(itemRepresentation), ItemHeadCount, HeadDim); // FIT, eq. 12

    /// <inheritdoc />
    public override Tensor Score(Tensor userHeads, Tensor itemHeads)
    {
        var s = userHeads.bmm(itemHeads.transpose(1, 2));            // FIT, eq. 13: S_ij = z_u^iᵀ z_v^j, [B, H_u, H_v]
        var s1 = nn.functional.relu(row_fc.call(s));                  // FIT, eq. 14: S′_{i,:} = ReLU(W_1 S_{i,:} + b_1), [B, H_u, d]
        var s2 = nn.functional.relu(column_fc.call(s1.transpose(1, 2))); // FIT, eq. 15: S″_{:,j} = ReLU(W_2 S′_{:,j} + b_2), [B, d(j), d(i)]
        var flat = s2.transpose(1, 2).reshape(s2.shape[0], Width * Width); // row-major Flatten(S″), index i·d + j
        return projection.call(flat).squeeze(-1);                     // FIT, eq. 16: p_uv = wᵀ Flatten(S″)
    }
}
