namespace FitCluster.Model.Ranking;

/// <summary>The answer to a <see cref="RankQuery"/>.</summary>
/// <param name="ModelVersion">The model version that scored.</param>
/// <param name="Items">The top-k, best first (ties: earlier candidate first).</param>
/// <param name="Scored">Candidates scored (the known ones).</param>
/// <param name="UnknownCandidates">Candidate keys the model does not know: not scored, reported here.</param>
/// <param name="UnknownBehaviours">Behaviour keys the model does not know: left out of the sequence.</param>
/// <param name="UnknownFeatures">User features whose value the model never saw: embedded as the unknown row (zeros).</param>
/// <param name="Timings">Per-stage timings.</param>
public sealed record RankOutcome(
    string ModelVersion,
    IReadOnlyList<RankedItem> Items,
    int Scored,
    IReadOnlyList<string> UnknownCandidates,
    IReadOnlyList<string> UnknownBehaviours,
    IReadOnlyList<string> UnknownFeatures,
    RankTimings Timings)
{
    /// <summary>Candidates scored / candidates asked, in [0, 1].</summary>
    public double Coverage => Scored + UnknownCandidates.Count == 0 ? 1 : (double)Scored / (Scored + UnknownCandidates.Count);
}
