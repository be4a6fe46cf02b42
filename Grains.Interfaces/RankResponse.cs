using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>The answer to a <see cref="RankRequest"/>.</summary>
/// <param name="ModelVersion">The model version that scored (empty when the request was refused before choosing one).</param>
/// <param name="Items">The top-k, best first.</param>
/// <param name="Coverage">Candidates scored / candidates asked.</param>
/// <param name="UnknownCandidates">Candidate ids the model does not know: not scored.</param>
/// <param name="UnknownBehaviours">Behaviour ids the model does not know: left out of the sequence.</param>
/// <param name="UnknownFeatures">User features whose value the model never saw (embedded as unknown).</param>
/// <param name="Timings">Per-stage timings.</param>
/// <param name="Error">Why the request was refused (bad input, unknown model version); null on success.</param>
[GenerateSerializer, Immutable, Alias("fit.RankResponse")]
public sealed record RankResponse(
    string ModelVersion,
    ImmutableArray<ScoredItem> Items,
    double Coverage,
    ImmutableArray<string> UnknownCandidates,
    ImmutableArray<string> UnknownBehaviours,
    ImmutableArray<string> UnknownFeatures,
    StageTimings Timings,
    RankError? Error = null);
