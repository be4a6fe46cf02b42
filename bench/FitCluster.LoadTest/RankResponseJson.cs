namespace FitCluster.LoadTest;

/// <summary>
/// The parts of a successful <c>POST /v1/rank</c> response the report uses; the items and the unknown-id lists are
/// skipped by the reader.
/// </summary>
/// <param name="ModelVersion">The model version that scored.</param>
/// <param name="Coverage">Candidates scored / candidates asked.</param>
/// <param name="Timings">Server-side stage timings in milliseconds (<c>cluster_ms</c>, <c>gateway_ms</c>, …).</param>
public sealed record RankResponseJson(
    string? ModelVersion,
    double Coverage,
    IReadOnlyDictionary<string, double>? Timings);
