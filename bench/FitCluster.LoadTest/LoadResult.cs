namespace FitCluster.LoadTest;

/// <summary>
/// What one run measured over its measurement window (after the warm-up, until the duration ends or Ctrl+C).
/// Latency counts successful responses only; failures are counted by kind in <see cref="Errors"/>.
/// </summary>
/// <param name="WindowSeconds">Length of the measurement window.</param>
/// <param name="Succeeded">Measured requests answered 200 with a readable body.</param>
/// <param name="Failed">Measured requests that failed (any status but 200, timeout, connection error, bad body).</param>
/// <param name="ThroughputPerSecond">Successful responses completed inside the window, per second.</param>
/// <param name="Latency">Client-side latency of the successes: from the intended send time (fixed rate) or the actual send (saturation) to the last byte of the response.</param>
/// <param name="Errors">Failures by kind: the HTTP status code (<c>503</c>), <c>timeout</c>, or the transport error.</param>
/// <param name="MeanCoverage">Mean of the responses' <c>coverage</c>; NaN without successes.</param>
/// <param name="ClusterMsP50">Median of the responses' <c>timings.cluster_ms</c>; NaN when absent.</param>
/// <param name="ClusterMsP99">99th percentile of the responses' <c>timings.cluster_ms</c>: the server's share of the tail; NaN when absent.</param>
/// <param name="GatewayMsP50">Median of the responses' <c>timings.gateway_ms</c>; NaN when absent.</param>
/// <param name="SendLagP99Ms">Fixed rate only: 99th percentile of how late the generator sent after the intended time (its own precision); NaN otherwise.</param>
/// <param name="ModelVersion">The model version the responses named (the first seen); null without successes.</param>
/// <param name="MinCoverage">Lowest <c>coverage</c> of any successful response, warm-up and drain included (a partial answer
/// anywhere counts); NaN without successes.</param>
/// <param name="StageMediansMs">Median of each of the ranking grain's stages (<see cref="LoadRecorder.StageNames"/>) over the
/// measured responses that reported it; empty when none did.</param>
public sealed record LoadResult(
    double WindowSeconds,
    long Succeeded,
    long Failed,
    double ThroughputPerSecond,
    LatencySummary Latency,
    IReadOnlyList<KeyValuePair<string, long>> Errors,
    double MeanCoverage,
    double ClusterMsP50,
    double ClusterMsP99,
    double GatewayMsP50,
    double SendLagP99Ms,
    string? ModelVersion,
    double MinCoverage,
    IReadOnlyDictionary<string, double>? StageMediansMs = null);
