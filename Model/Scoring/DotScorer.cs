using System.Numerics.Tensors;
using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Scoring;

/// <summary>
/// Two-Tower's late interaction (FIT, eq. 3): the dot product of the user vector and each item vector. The exporter
/// folds the L2 normalisation and DSSM's smoothing factor γ into the user vector, so this is the model's logit.
/// With several branches (FIT trained as <c>fit-no-lss</c>: MQM's early interaction, the Two-Tower output) each item is
/// scored against the branch its stored query index names (FIT §4.3.2).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class DotScorer : ICandidateScorer
{
    /// <inheritdoc />
    public void Score(ReadOnlySpan<float> userHeads, ItemTable items, ReadOnlySpan<int> rows, Span<float> scores)
    {
        ArgumentNullException.ThrowIfNull(items);
        var size = items.RowSize;
        var branches = items.MetaSize;
        if (userHeads.Length != branches * size || rows.Length != scores.Length)
        {
            ThrowHelper.ShapeMismatch($"dot scorer: user heads of {userHeads.Length} for {branches} branch(es) of items of {size}; {rows.Length} rows, {scores.Length} scores");
        }

        var queryIndex = items.QueryIndex;
        if (items.IsHalf)
        {
            Span<float> item = size <= 1024 ? stackalloc float[size] : new float[size];
            for (var c = 0; c < rows.Length; c++)
            {
                if (c + ItemTable.PrefetchDistance < rows.Length)
                {
                    items.PrefetchRow(rows[c + ItemTable.PrefetchDistance]); // rows are read at random: overlap their misses
                }

                items.CopyRow(rows[c], item);
                scores[c] = TensorPrimitives.Dot(userHeads.Slice(queryIndex[rows[c]] * size, size), item);
            }

            return;
        }

        var heads = items.SingleHeads;
        for (var c = 0; c < rows.Length; c++)
        {
            if (c + ItemTable.PrefetchDistance < rows.Length)
            {
                items.PrefetchRow(rows[c + ItemTable.PrefetchDistance]);
            }

            var row = rows[c];
            scores[c] = TensorPrimitives.Dot(userHeads.Slice(queryIndex[row] * size, size), heads.Slice(row * size, size)); // FIT, eq. 3
        }
    }
}
