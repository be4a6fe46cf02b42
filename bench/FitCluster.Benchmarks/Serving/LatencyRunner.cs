using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using System.Text;
using FitCluster.Benchmarks.Numerics;
using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using FitCluster.Model.Towers;
using HdrHistogram;

namespace FitCluster.Benchmarks.Serving;

/// <summary>
/// <c>latency</c> mode: closed-loop, one request at a time, p50/p99/p999 of an in-process rank (HdrHistogram), for
/// FIT and Two-Tower with each user tower implementation; prints a Markdown table with each model's multiply-
/// accumulates per request and the share of one core's measured FMA peak it achieves (a back-of-envelope roofline).
/// </summary>
public static class LatencyRunner
{
    /// <summary>Runs the measurement and writes the table to stdout and to <c>--out FILE</c> when given.</summary>
    public static int Run(string[] args)
    {
        var candidates = Option(args, "--candidates", 2000);
        var requests = Option(args, "--requests", 3000);
        var warmup = Option(args, "--warmup", 300);
        var rate = Option(args, "--rate", 0); // requests per second, paced (idle gaps between requests); 0 = back to back
        var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
        var peak = MeasurePeakGmacs();
        var table = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"In-process rank of {candidates:N0} candidates, top-10, history of the full sequence length; {requests:N0} requests after {warmup:N0} warm-up, one at a time{(rate > 0 ? $", paced at {rate} per second (the core idles between requests)" : ", back to back")}.")
            .AppendLine(CultureInfo.InvariantCulture, $"One core's measured FMA peak: {peak:F1} GMAC/s (float32, the FmaPeakBenchmarks kernel).")
            .AppendLine()
            .AppendLine("| model | user tower | p50 ms | p90 ms | p99 ms | p99.9 ms | user tower p50 ms | scoring p50 ms | MACs / request | GMAC/s at p50 | % of 1-core peak |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var model in new[] { "fit", "two-tower" })
        {
            foreach (var tower in new[] { UserTowerImplementation.Native, UserTowerImplementation.Onnx })
            {
                using var ranker = Ranker.Load(BenchArtifacts.PathOf(model), new InferenceOptions { UserTower = tower });
                var queries = Enumerable.Range(0, 16).Select(seed => BenchArtifacts.Request(ranker.Artifact, candidates, seed)).ToArray();
                for (var i = 0; i < warmup; i++)
                {
                    ranker.Rank(queries[i % queries.Length]);
                }

                var total = new LongHistogram(TimeStamp.Seconds(10), 3);
                var towerTimes = new double[requests];
                var scoringTimes = new double[requests];
                var paced = Stopwatch.GetTimestamp();
                for (var i = 0; i < requests; i++)
                {
                    if (rate > 0)
                    {
                        paced += Stopwatch.Frequency / rate;
                        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), paced);
                        if (wait > TimeSpan.Zero)
                        {
                            Thread.Sleep(wait);
                        }
                    }

                    var start = Stopwatch.GetTimestamp();
                    var outcome = ranker.Rank(queries[i % queries.Length]);
                    total.RecordValue(Stopwatch.GetTimestamp() - start);
                    towerTimes[i] = outcome.Timings.UserTowerMs;
                    scoringTimes[i] = outcome.Timings.ScoringMs;
                }

                double Ms(double percentile) => total.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;
                var branches = ranker.UserTower is NativeFitUserTower native ? native.LiveBranchCount : ranker.Artifact.Manifest.Dims.MetaSize;
                var macs = MacsPerRequest(ranker.Artifact.Manifest, candidates, branches);
                var p50 = Ms(50);
                var gmacs = macs / (p50 / 1000) / 1e9;
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"| {model} | {tower.ToString().ToLowerInvariant()} | {p50:F3} | {Ms(90):F3} | {Ms(99):F3} | {Ms(99.9):F3} | {Median(towerTimes):F3} | {Median(scoringTimes):F3} | {macs / 1e6:F1} M | {gmacs:F1} | {100 * gmacs / peak:F0} % |");
            }
        }

        Console.Write(table);
        if (output is not null)
        {
            File.WriteAllText(output, table.ToString());
        }

        return 0;
    }

    /// <summary>Multiply-accumulates of one request: user tower (the branches computed) plus late interaction over the candidates.</summary>
    /// <param name="manifest">The model's manifest.</param>
    /// <param name="candidates">Candidates scored.</param>
    /// <param name="branches">FIT: user-tower branches computed (N, or fewer when the tower skips those no item uses).</param>
    public static double MacsPerRequest(ModelManifest manifest, int candidates, int branches)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var d = manifest.Dims;
        var user = manifest.UserFields.Count * d.EmbeddingDim;
        double l = d.SequenceLength;
        var t = d.TowerHidden;
        if (manifest.ModelKind == ModelKinds.TwoTower)
        {
            double tower = ((user + d.ItemAttributeDim) * t[0]) + Chain(t);
            return tower + (l * d.ItemAttributeDim) + ((double)candidates * d.HeadDim);
        }

        var h = d.AttentionHidden;
        double attention = l * d.ItemAttributeDim * h[0];
        for (var i = 1; i < h.Count; i++)
        {
            attention += l * h[i - 1] * h[i];
        }

        attention = (attention + (l * h[^1]) + (l * d.ItemAttributeDim)) * branches;  // per branch: the three layers and the weighted sum
        double fcTower = (user * t[0]) + (branches * ((d.ItemAttributeDim * t[0]) + Chain(t) + (t[^1] * d.UserHeadSize)));
        double lss = candidates * ((d.UserHeads * d.ItemHeads * (double)d.HeadDim) + (d.UserHeads * d.ItemHeads * d.LssWidth)
            + (d.LssWidth * d.LssWidth * d.UserHeads) + (d.LssWidth * d.LssWidth));
        return attention + fcTower + lss;
    }

    private static double Chain(IReadOnlyList<int> widths)
    {
        double sum = 0;
        for (var i = 1; i < widths.Count; i++)
        {
            sum += (double)widths[i - 1] * widths[i];
        }

        return sum;
    }

    // One core's float32 FMA throughput, with FmaPeakBenchmarks' kernel (12 independent Vector256 chains), best of 20.
    private static double MeasurePeakGmacs()
    {
        if (!Fma.IsSupported)
        {
            return double.NaN;
        }

        var kernel = new FmaPeakBenchmarks { Shape = FmaPeakBenchmarks.Shapes.First() };
        var macs = (double)kernel.Shape.Inner * kernel.Shape.Columns;
        var best = double.MaxValue;
        for (var round = 0; round < 20; round++)
        {
            var start = Stopwatch.GetTimestamp();
            GC.KeepAlive(kernel.FmaChains());
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return macs / best / 1e9;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    internal static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
