namespace FitCluster.EndToEnd.Tests.Wire;

/// <summary>A <c>200</c> answer of <c>POST /v1/rank</c>.</summary>
public sealed record RankReply(
    string ModelVersion,
    RankedItemReply[] Items,
    double Coverage,
    string[] UnknownCandidates,
    string[] UnknownBehaviours,
    string[] UnknownFeatures,
    Dictionary<string, double> Timings);
