using FitCluster.Model.Onnx;

namespace FitCluster.Model.Scoring;

/// <summary>
/// FIT's Lightweight Similarity Scorer (eq. 13–16) as an ONNX graph, generated at load from an artifact's LSS tensors —
/// the same five tensors <see cref="LssScorer"/> uses, so it computes exactly what <see cref="LssScorer"/> computes.
/// Inputs: <c>item_heads</c> <c>[M, H_v, p]</c> (float or float16) and <c>query_index</c> int64 <c>[M]</c>, a shard's
/// whole item table, bound once in device memory; <c>user_heads</c> float <c>[N, H_u, p]</c> and <c>rows</c> int64
/// <c>[C]</c> per request. Output <c>scores</c> float <c>[C]</c>.
/// </summary>
public static class LssGraph
{
    /// <summary>Input: the shard's item heads.</summary>
    public const string ItemHeads = "item_heads";

    /// <summary>Input: the shard's query indices.</summary>
    public const string QueryIndex = "query_index";

    /// <summary>Input: all branches' user heads.</summary>
    public const string UserHeads = "user_heads";

    /// <summary>Input: the candidate rows.</summary>
    public const string Rows = "rows";

    /// <summary>Output: one logit per row.</summary>
    public const string Scores = "scores";

    /// <summary>The scoring graph (an ONNX <c>ModelProto</c>).</summary>
    /// <param name="scorer">The LSS weights.</param>
    /// <param name="halfItems">Whether the item heads input is float16 (cast to float32 after the gather, as <see cref="LssScorer"/> does).</param>
    public static byte[] Build(LssScorer scorer, bool halfItems)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        long hu = scorer.UserHeads, hv = scorer.ItemHeads, p = scorer.HeadDim, d = scorer.Width;
        var rowWeightT = new float[hv * d]; // W_1ᵀ, [H_v, d]
        for (var k = 0; k < d; k++)
        {
            for (var j = 0; j < hv; j++)
            {
                rowWeightT[(j * d) + k] = scorer.RowWeight[(int)((k * hv) + j)];
            }
        }

        var g = new OnnxGraphWriter("lss_scorer")
            .Input(UserHeads, OnnxGraphWriter.Float, "branches", hu, p)
            .Input(Rows, OnnxGraphWriter.Int64, "candidates")
            .Input(ItemHeads, halfItems ? OnnxGraphWriter.Float16 : OnnxGraphWriter.Float, "items", hv, p)
            .Input(QueryIndex, OnnxGraphWriter.Int64, "items")
            .Output(Scores, OnnxGraphWriter.Float, "candidates")
            .Initializer("lss.row_fc.weight_t", rowWeightT, hv, d)
            .Initializer("lss.row_fc.bias", scorer.RowBias.ToArray(), d)
            .Initializer("lss.column_fc.weight", scorer.ColumnWeight.ToArray(), d, hu)
            .Initializer("lss.column_fc.bias", scorer.ColumnBias.ToArray(), d, 1)
            .Initializer("lss.projection.weight", scorer.Projection.ToArray(), d * d, 1)
            .Initializer("flat_shape", new long[] { -1, d * d }, 2)
            .Initializer("scores_shape", new long[] { -1 }, 1)
            .Node("Gather", [ItemHeads, Rows], [halfItems ? "z_v_half" : "z_v"], ("axis", 0));
        if (halfItems)
        {
            g.Node("Cast", ["z_v_half"], ["z_v"], ("to", OnnxGraphWriter.Float));
        }

        g.Node("Gather", [QueryIndex, Rows], ["s"], ("axis", 0))                           // each candidate's query index
            .Node("Gather", [UserHeads, "s"], ["z_u"], ("axis", 0))                         // §4.3.2: its branch, [C, H_u, p]
            .Node("Transpose", ["z_v"], ["z_v_t"], ("perm", new long[] { 0, 2, 1 }))        // [C, p, H_v]
            .Node("MatMul", ["z_u", "z_v_t"], ["S"])                                        // eq. 13: S_ij = z_u,i · z_v,j, [C, H_u, H_v]
            .Node("MatMul", ["S", "lss.row_fc.weight_t"], ["S1_lin"])                       // [C, H_u, d]
            .Node("Add", ["S1_lin", "lss.row_fc.bias"], ["S1_pre"])
            .Node("Relu", ["S1_pre"], ["S1"])                                               // eq. 14, row-wise
            .Node("MatMul", ["lss.column_fc.weight", "S1"], ["S2_lin"])                     // [d, H_u] × [C, H_u, d] → [C, d, d]
            .Node("Add", ["S2_lin", "lss.column_fc.bias"], ["S2_pre"])
            .Node("Relu", ["S2_pre"], ["S2"])                                               // eq. 15, column-wise
            .Node("Reshape", ["S2", "flat_shape"], ["S2_flat"])                             // Flatten(S″), [C, d·d]
            .Node("MatMul", ["S2_flat", "lss.projection.weight"], ["scores_col"])          // eq. 16: wᵀ Flatten(S″)
            .Node("Reshape", ["scores_col", "scores_shape"], [Scores]);
        return g.ToModel();
    }

    /// <summary>
    /// A copy graph (<c>Identity</c> per input) that moves the item heads and query indices into the memory its outputs
    /// are bound to: how a shard's table is put in device memory once.
    /// </summary>
    internal static byte[] BuildUpload(bool halfItems, long itemHeads, long headDim) =>
        new OnnxGraphWriter("lss_upload")
            .Input("item_heads_in", halfItems ? OnnxGraphWriter.Float16 : OnnxGraphWriter.Float, "items", itemHeads, headDim)
            .Input("query_index_in", OnnxGraphWriter.Int64, "items")
            .Output(ItemHeads, halfItems ? OnnxGraphWriter.Float16 : OnnxGraphWriter.Float, "items", itemHeads, headDim)
            .Output(QueryIndex, OnnxGraphWriter.Int64, "items")
            .Node("Identity", ["item_heads_in"], [ItemHeads])
            .Node("Identity", ["query_index_in"], [QueryIndex])
            .ToModel();
}
