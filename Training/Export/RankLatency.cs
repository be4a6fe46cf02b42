namespace FitCluster.Training.Export;

/// <summary>In-process ranking latency of one artifact (see <see cref="LatencyProbe"/>).</summary>
/// <param name="Candidates">Candidates per request.</param>
/// <param name="Requests">Timed requests (after warm-up).</param>
/// <param name="MedianMs">Median wall time of one request, milliseconds.</param>
/// <param name="P99Ms">99th percentile, milliseconds.</param>
/// <param name="MeanMs">Mean, milliseconds.</param>
/// <param name="ItemBytes">Bytes stored per item (heads + query index).</param>
public sealed record RankLatency(int Candidates, int Requests, double MedianMs, double P99Ms, double MeanMs, int ItemBytes);
