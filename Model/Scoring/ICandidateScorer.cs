using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Scoring;

/// <summary>Scores candidates (rows of an item table) against one request's user heads: the late interaction.</summary>
/// <remarks>Implementations are immutable and thread-safe; scratch memory is rented per call.</remarks>
public interface ICandidateScorer
{
    /// <summary>
    /// scores[c] = the model's logit for item row <c>rows[c]</c> of <paramref name="items"/>, using the user branch named
    /// by that row's stored query index: <c>userHeads[QueryIndex[row] × H_u × p ..]</c> (FIT §4.3.2).
    /// </summary>
    /// <param name="userHeads">All branches' user heads, row-major <c>[N, H_u, p]</c>.</param>
    /// <param name="items">The item table (or a shard's slice of it).</param>
    /// <param name="rows">Rows of <paramref name="items"/> to score.</param>
    /// <param name="scores">Receives one logit per row.</param>
    void Score(ReadOnlySpan<float> userHeads, ItemTable items, ReadOnlySpan<int> rows, Span<float> scores);
}
