using System.Diagnostics;
using System.Globalization;
using System.Text;
using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using FitCluster.Model.Scoring;

namespace FitCluster.Benchmarks.Serving;

/// <summary>
/// <c>gpu --artifact DIR [--requests N] [--out FILE]</c> (run by <c>bench/gpu-check.sh</c> on a GPU host): checks that FIT's
/// LSS scoring graph on CUDA gives the scores of the C# <see cref="LssScorer"/> (and of the same graph on the CPU
/// provider), then measures scoring latency of 2k, 10k and 100k candidates for each, one request at a time. The item
/// table is tiled to at least 100k rows (a synthetic artifact has fewer items; scoring cost does not depend on which rows).
/// Exits 3 when the CUDA provider is unusable, 4 when the scores disagree.
/// </summary>
public static class GpuCheckRunner
{
    private static readonly int[] s_sizes = [2_000, 10_000, 100_000];

    /// <summary>Runs the check and writes the Markdown report to stdout and to <c>--out FILE</c> when given.</summary>
    public static int Run(string[] args)
    {
        var artifactPath = Value(args, "--artifact") ?? throw new ArgumentException("gpu: --artifact DIR is required.");
        var requests = int.Parse(Value(args, "--requests") ?? "200", CultureInfo.InvariantCulture);
        var output = Value(args, "--out");
        var cuda = new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda };
        if (ExecutionProviderProbe.Probe(cuda) is { } why)
        {
            Console.Error.WriteLine($"gpu-check: {why}");
            return 3;
        }

        using var ranker = Ranker.Load(artifactPath);
        if (ranker.Scorer is not LssScorer lss)
        {
            Console.Error.WriteLine($"gpu-check: {artifactPath} is a '{ranker.Artifact.Manifest.Scorer}' model; the GPU scoring graph is FIT's LSS.");
            return 2;
        }

        var items = ranker.Shards[0].Items;
        var tiled = items.Select([.. Enumerable.Range(0, Math.Max(items.Count, s_sizes[^1])).Select(r => r % items.Count)]);
        var golden = GoldenSet.Read(ranker.Artifact.PathOf(ranker.Artifact.Manifest.Golden.File));
        var users = golden.Requests.Take(8).Select(r => ranker.ComputeUserHeads(ranker.ResolveUser(r.UserFeatures, r.Behaviours))).ToArray();

        var load = Stopwatch.StartNew();
        using var onCuda = new OnnxLssScorer(lss, tiled, cuda);
        var cudaLoadMs = load.Elapsed.TotalMilliseconds;
        using var onCpu = new OnnxLssScorer(lss, tiled, new InferenceOptions());

        // Parity: every row of the tiled table, for each user.
        var all = Enumerable.Range(0, tiled.Count).ToArray();
        double worstCuda = 0, worstCpuGraph = 0;
        var reference = new float[all.Length];
        var scores = new float[all.Length];
        foreach (var user in users)
        {
            lss.Score(user, tiled, all, reference);
            onCuda.Score(user, all, scores);
            worstCuda = Math.Max(worstCuda, WorstRelative(reference, scores));
            onCpu.Score(user, all, scores);
            worstCpuGraph = Math.Max(worstCpuGraph, WorstRelative(reference, scores));
        }

        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# LSS on CUDA vs CPU — {ranker.Artifact.ModelVersion}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Artifact `{artifactPath}`: {items.Count:N0} items ({(items.IsHalf ? "float16" : "float32")} heads, H_u={lss.UserHeads}, H_v={lss.ItemHeads}, p={lss.HeadDim}, d={lss.Width}), tiled to {tiled.Count:N0} rows; {onCuda.DeviceBytes:N0} bytes in GPU memory, copied in {cudaLoadMs:F0} ms (with session creation).")
            .AppendLine(CultureInfo.InvariantCulture, $"Parity over {users.Length} golden users × {tiled.Count:N0} rows, max |Δ| / max(1, |score|) against the C# LssScorer: CUDA graph {worstCuda:G3}, CPU graph {worstCpuGraph:G3}.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Scoring latency, one request at a time, {requests} requests after 20 warm-up (user heads in, one score per candidate out; no top-k):")
            .AppendLine()
            .AppendLine("| candidates | C# LSS (CPU) p50 ms | p99 ms | ONNX graph, CPU provider p50 ms | p99 ms | ONNX graph, CUDA p50 ms | p99 ms |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        var random = new Random(1);
        foreach (var size in s_sizes)
        {
            var rows = Enumerable.Range(0, size).Select(_ => random.Next(tiled.Count)).ToArray();
            var buffer = new float[size];
            var native = Measure(requests, () => lss.Score(users[0], tiled, rows, buffer));
            var cpuGraph = Measure(requests, () => onCpu.Score(users[0], rows, buffer));
            var cudaGraph = Measure(requests, () => onCuda.Score(users[0], rows, buffer));
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {size:N0} | {native.P50:F3} | {native.P99:F3} | {cpuGraph.P50:F3} | {cpuGraph.P99:F3} | {cudaGraph.P50:F3} | {cudaGraph.P99:F3} |");
        }

        Console.Write(report);
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            File.WriteAllText(output, report.ToString());
        }

        const double tolerance = 1e-3;
        if (worstCuda > tolerance || worstCpuGraph > tolerance)
        {
            Console.Error.WriteLine($"gpu-check: scores disagree beyond {tolerance} (CUDA {worstCuda:G3}, CPU graph {worstCpuGraph:G3}).");
            return 4;
        }

        return 0;
    }

    private static (double P50, double P99) Measure(int requests, Action score)
    {
        for (var i = 0; i < 20; i++)
        {
            score();
        }

        var times = new double[requests];
        for (var i = 0; i < requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            score();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[requests / 2], times[Math.Min(requests - 1, (int)(requests * 0.99))]);
    }

    private static double WorstRelative(float[] expected, float[] actual)
    {
        double worst = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]) / Math.Max(1, Math.Abs(expected[i])));
        }

        return worst;
    }

    private static string? Value(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
