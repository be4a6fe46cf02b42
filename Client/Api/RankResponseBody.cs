namespace FitCluster.Client.Api;

/// <summary>Body of a successful <c>POST /v1/rank</c>.</summary>
/// <param name="ModelVersion">The model version that scored.</param>
/// <param name="Items">The top-k, best first.</param>
/// <param name="Coverage">Candidates scored / candidates asked.</param>
/// <param name="UnknownCandidates">Candidate ids the model does not know (not scored).</param>
/// <param name="UnknownBehaviours">Behaviour ids the model does not know (left out).</param>
/// <param name="UnknownFeatures">User features whose value the model never saw.</param>
/// <param name="Timings">Per-stage timings in milliseconds: resolve, user tower, scatter-gather, merge, cluster total, gateway total.</param>
public sealed record RankResponseBody(
    string ModelVersion,
    IReadOnlyList<RankedItemBody> Items,
    double Coverage,
    IReadOnlyList<string> UnknownCandidates,
    IReadOnlyList<string> UnknownBehaviours,
    IReadOnlyList<string> UnknownFeatures,
    IReadOnlyDictionary<string, double> Timings);

/// <summary>A ranked item: id and score (logit).</summary>
/// <param name="ItemId">Item id.</param>
/// <param name="Score">The model's logit; its sigmoid is the click probability.</param>
public sealed record RankedItemBody(string ItemId, float Score);
