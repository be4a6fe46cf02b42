using System.Numerics.Tensors;
using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Scoring;

/// <summary>
/// Two-Tower's late interaction (FIT, eq. 3): the dot product of the user vector and each item vector. The exporter
/// folds the L2 normalisation and DSSM's smoothing factor γ into the user vector, so this is the model's logit.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class DotScorer : ICandidateScorer
{
    /// <inheritdoc />
    public void Score(ReadOnlySpan<float> userHeads, ItemTable items, ReadOnlySpan<int> rows, Span<float> scores)
    {
        ArgumentNullException.ThrowIfNull(items);
        var size = items.RowSize;
        if (userHeads.Length != size || rows.Length != scores.Length)
        {
            ThrowHelper.ShapeMismatch($"dot scorer: user vector of {userHeads.Length} for items of {size}; {rows.Length} rows, {scores.Length} scores");
        }

        if (items.IsHalf)
        {
            Span<float> item = size <= 1024 ? stackalloc float[size] : new float[size];
            for (var c = 0; c < rows.Length; c++)
            {
                items.CopyRow(rows[c], item);
                scores[c] = TensorPrimitives.Dot(userHeads, item);
            }

            return;
        }

        var heads = items.SingleHeads;
        for (var c = 0; c < rows.Length; c++)
        {
            scores[c] = TensorPrimitives.Dot(userHeads, heads.Slice(rows[c] * size, size)); // FIT, eq. 3
        }
    }
}
