using System.Globalization;
using System.Text;

namespace FitCluster.LoadTest.Scale;

/// <summary><c>scale.md</c>: what was run, on what, the table, the ratios and targets the scale-out work is judged by.</summary>
public static class ScaleReport
{
    /// <summary>The largest silo's RSS with several silos may be at most this share of the one-silo figure (10M items).</summary>
    public const double RssRatioTarget = 0.45;

    /// <summary>The report for <paramref name="rows"/>.</summary>
    /// <param name="settings">The run's settings.</param>
    /// <param name="rows">Measured configurations.</param>
    /// <param name="failures">Configurations that could not be measured, with the reason.</param>
    /// <param name="mismatches">The first top-k mismatches against the in-process Ranker.</param>
    /// <param name="date">When the run ended.</param>
    /// <param name="hardware">The machine (CPU, cores, memory).</param>
    public static string Format(
        ScaleSettings settings, IReadOnlyList<ScaleRow> rows, IReadOnlyList<string> failures, IReadOnlyList<string> mismatches, DateTimeOffset date, string hardware)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentNullException.ThrowIfNull(mismatches);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"""
            # Scale benchmark

            `./fit bench scale{(settings.Quick ? " --quick" : string.Empty)}` (bench/FitCluster.LoadTest/Scale), {date.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {hardware}.
            Every silo ran in its own network namespace (a host of its own: veth to a bridge, real TCP between silos), clustered
            through Redis on the bridge; requests went round-robin to the silos' own HTTP APIs (`POST /v1/rank`, k = {settings.K}).
            Catalogs: the source artifact's items, then generated items (features drawn per row, embedded by the artifact's own
            item tower, item id 0), {settings.ShardsPerSilo} shards per silo. Source model: `{Path.GetFileName(settings.ArtifactDirectory)}`.
            Silo settings: {(settings.SiloSettings is { Count: > 0 } overrides ? string.Join(", ", overrides.Select(o => $"`{o}`")) : "the defaults (appsettings.json)")}.

            - **rss**: resident memory (VmRSS) sampled every 0.5 s while the configuration's load ran; largest silo and all silos.
            - **ready s**: from starting the silos until every silo answered `/health/ready` (model loaded with every check, golden set re-scored, warmed).
              The load starts once placement has settled: every shard held, ⌊S/n⌋ or ⌈S/n⌉ per silo, no shard moved for {ScaleCluster.PlacementQuiet.TotalSeconds:0} s, at least {(ScaleCluster.ShardJoinGrace + ScaleCluster.PlacementQuiet).TotalSeconds:0} s after the silos started (the silos' shard join grace).
            - **shards**: shards per silo at the end of the configuration (from the silos' logs); **items held**: rows of all shards together (each shard once): the catalog size when every item is reachable; **moved**: shard activations while the load ran (0: placement stayed put).
            - **p50/p99**: client-side latency at a fixed moderate rate (open loop, from the intended send time), {settings.Window.TotalSeconds:0.#} s after {settings.Warmup.TotalSeconds:0.#} s warm-up: {settings.Rate:0.##} req/s, or half the configuration's saturation throughput where that is lower (**rate**: the rate used).
            - **server p50 / cluster p50**: at the same fixed rate, the medians of the responses' own `timings`: `gateway_ms` (the silo's HTTP handler, from the parsed request to the answer object: validation and the whole cluster call) and `cluster_ms` (the ranking grain: behaviour rows, user tower, shards' scoring, merge). Client p50 − server p50 is the HTTP path itself (connection, JSON both ways, the network namespaces' veths, the load generator's own turns on the same cores).
            - **saturation**: successful responses/s with {settings.Concurrency} closed-loop workers over {settings.Window.TotalSeconds:0.#} s (measured first).
            - **coverage min**: the lowest `coverage` of any response of the configuration; **failed**: non-200 answers and timeouts.
            - **top-k = Ranker**: of {settings.Verify} requests per configuration, how many had exactly the in-process `Ranker`'s top-k over the same catalog (ids in order, scores within {TopKCheck.ScoreTolerance:G2}); **near ties**: how many of the rest differed only in the order of items scored within {TopKCheck.ScoreTolerance:G2} of each other.

            | items | silos | candidates | precision | rss max silo MiB | rss total MiB | ready s | rate req/s | p50 ms | p99 ms | server p50 ms | cluster p50 ms | saturation req/s | coverage min | failed | top-k = Ranker | near ties | shards | items held | moved |
            |---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|

            """);
        foreach (var r in rows)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {r.Items:N0} | {r.Silos} | {r.Candidates:N0} | {r.Precision} | {r.RssMbMaxSilo:0} | {r.RssMbTotal:0} | {r.ReadySeconds:0.0} | {r.RateRps:0.##} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {Ms(r.ServerP50Ms)} | {Ms(r.ClusterP50Ms)} | {r.SaturationRps:0.0} | {r.CoverageMin:0.####} | {r.Failed} | {r.VerifiedEqual}/{r.Verified} | {r.VerifiedNearTies} | {r.Placement} | {r.ItemsHeld:N0} | {r.ShardActivations} |\n");
        }

        var staged = rows.Where(r => r.StageP50Ms is { Count: > 0 }).ToList();
        if (staged.Count > 0)
        {
            md.Append("\n## Where the cluster's time went (medians at the fixed rate, ms)\n\n")
                .Append("The ranking grain's own stages from each response's `timings`: **resolve** (the behaviours' rows from the shards that own them), **user tower** (its branch ranges, computed in the coordinator's silo), **scatter-gather** (every shard's lookups, scoring and top-k, in parallel, with the calls' messaging), **slowest shard** (that shard's own time inside its call: scatter-gather minus it is messaging and scheduling), **merge**. Medians do not add up to the cluster median exactly.\n\n")
                .Append("| items | silos | candidates | precision | resolve | user tower | scatter-gather | slowest shard | merge | cluster | server | client |\n|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var r in staged)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {r.Items:N0} | {r.Silos} | {r.Candidates:N0} | {r.Precision} | {Stage(r, "resolve_ms")} | {Stage(r, "user_tower_ms")} | {Stage(r, "scatter_gather_ms")} | {Stage(r, "shard_max_ms")} | {Stage(r, "merge_ms")} | {Ms(r.ClusterP50Ms)} | {Ms(r.ServerP50Ms)} | {r.P50Ms:0.00} |\n");
            }
        }

        var ratios = RssRatios(rows);
        if (ratios.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## Largest silo's memory against one silo (target at 10M items: ≤ {RssRatioTarget:0.00})\n\n| items | precision | silos | ratio |\n|---:|---|---:|---:|\n");
            foreach (var (items, precision, silos, ratio) in ratios)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {items:N0} | {precision} | {silos} | {ratio:0.00} |\n");
            }
        }

        if (failures.Count > 0)
        {
            md.Append("\n## Not measured, or measured with a problem\n\n");
            foreach (var failure in failures)
            {
                md.Append("- ").Append(failure.ReplaceLineEndings(" ")).Append('\n');
            }
        }

        if (mismatches.Count > 0)
        {
            md.Append("\n## Top-k mismatches (first ones)\n\n");
            foreach (var mismatch in mismatches)
            {
                md.Append("- ").Append(mismatch).Append('\n');
            }
        }

        md.Append("\nData: `scale.csv`; plots: `scale.png` (largest silo's memory), `scale-latency.png` (p99 at the fixed rate).\n");
        return md.ToString();
    }

    /// <summary>For every catalog measured with one silo and with more: the largest silo's RSS with n silos / with one (the most over candidate counts of each).</summary>
    public static IReadOnlyList<(int Items, string Precision, int Silos, double Ratio)> RssRatios(IReadOnlyList<ScaleRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var ratios = new List<(int, string, int, double)>();
        foreach (var catalog in rows.GroupBy(r => (r.Items, r.Precision)).OrderBy(g => g.Key.Items).ThenBy(g => g.Key.Precision, StringComparer.Ordinal))
        {
            var one = catalog.Where(r => r.Silos == 1).Select(r => r.RssMbMaxSilo).DefaultIfEmpty(double.NaN).Max();
            if (!(one > 0))
            {
                continue;
            }

            foreach (var silos in catalog.Where(r => r.Silos > 1).GroupBy(r => r.Silos).OrderBy(g => g.Key))
            {
                ratios.Add((catalog.Key.Items, catalog.Key.Precision, silos.Key, silos.Max(r => r.RssMbMaxSilo) / one));
            }
        }

        return ratios;
    }

    private static string Stage(ScaleRow row, string name) =>
        row.StageP50Ms is { } stages && stages.TryGetValue(name, out var ms) ? Ms(ms) : "–";

    // A median that was not measured (no timings in the responses) is a dash, not the culture's NaN symbol.
    private static string Ms(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) : "–";
}
