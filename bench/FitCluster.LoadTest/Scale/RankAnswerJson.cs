namespace FitCluster.LoadTest.Scale;

/// <summary>The parts of a <c>POST /v1/rank</c> answer the verification reads: the top-k and the coverage.</summary>
/// <param name="ModelVersion">The model version that scored.</param>
/// <param name="Items">The top-k, best first.</param>
/// <param name="Coverage">Candidates scored / candidates asked.</param>
public sealed record RankAnswerJson(string? ModelVersion, IReadOnlyList<RankedItemJson> Items, double Coverage);
