namespace FitCluster.LoadTest.Scale;

/// <summary>What one configuration (catalog size, silos, candidates, precision) measured: one row of <c>scale.csv</c>.</summary>
/// <param name="Items">Catalog size.</param>
/// <param name="Silos">Silos, each its own host.</param>
/// <param name="Candidates">Candidates per request.</param>
/// <param name="Precision"><c>fp32</c> or <c>fp16</c> heads.</param>
/// <param name="RssMbMaxSilo">Largest silo's resident memory, MiB: the most any silo held while this configuration's load ran.</param>
/// <param name="RssMbTotal">All silos' resident memory together, MiB: the most at any sample while the load ran.</param>
/// <param name="ReadySeconds">From starting the silos until every one was ready (model loaded, verified, warmed).</param>
/// <param name="RateRps">The fixed moderate rate the latency was measured at, requests/s.</param>
/// <param name="P50Ms">Median latency at that rate, ms (client-side, from the intended send time).</param>
/// <param name="P99Ms">99th percentile latency at that rate, ms.</param>
/// <param name="SaturationRps">Successful responses per second with the closed-loop workers.</param>
/// <param name="CoverageMin">Lowest coverage of any response (1 = every candidate scored); NaN without responses.</param>
/// <param name="Failed">Requests that failed (any status but 200, timeouts) in both phases and the verification.</param>
/// <param name="Verified">Requests whose top-k was compared with the in-process Ranker's.</param>
/// <param name="VerifiedEqual">Of those, how many were equal.</param>
/// <param name="VerifiedNearTies">Of the others, how many differed only in the order of items whose scores lie within
/// <see cref="TopKCheck.ScoreTolerance"/> of each other (<see cref="TopKCheck.OnlyNearTies"/>).</param>
/// <param name="Placement">Shards each silo held at the end of the configuration, from the silos' logs (<c>2/2/2</c>; <see cref="ShardPlacementLog"/>).</param>
/// <param name="ItemsHeld">Items of all shards together at the end (each shard once): the catalog size when every item is reachable.</param>
/// <param name="ShardActivations">Shards read (activated, e.g. after moving) while this configuration's load ran: 0 when placement stayed put.</param>
/// <param name="ServerP50Ms">Median of the responses' <c>timings.gateway_ms</c> at the fixed rate (the silo's HTTP handler); NaN when absent.</param>
/// <param name="StageP50Ms">Medians of the ranking grain's stages at the fixed rate (resolve, user tower, scatter-gather, merge); null when not reported.</param>
/// <param name="ClusterP50Ms">Median of the responses' <c>timings.cluster_ms</c> at the fixed rate (the ranking grain); NaN when absent.</param>
public sealed record ScaleRow(
    int Items,
    int Silos,
    int Candidates,
    string Precision,
    double RssMbMaxSilo,
    double RssMbTotal,
    double ReadySeconds,
    double RateRps,
    double P50Ms,
    double P99Ms,
    double SaturationRps,
    double CoverageMin,
    long Failed,
    int Verified,
    int VerifiedEqual,
    int VerifiedNearTies,
    string Placement = "",
    long ItemsHeld = 0,
    int ShardActivations = 0,
    double ServerP50Ms = double.NaN,
    double ClusterP50Ms = double.NaN,
    IReadOnlyDictionary<string, double>? StageP50Ms = null);
