using System.Diagnostics;
using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;

namespace FitCluster.Training.Export;

/// <summary>
/// Times in-process ranking with the C# <see cref="Ranker"/> (FIT, Figs. 7–8 and Table 2: one request with 2,000
/// candidates): the artifact's golden users in turn, the same seeded random candidates for every request, one thread,
/// warm-up requests first; wall time of <see cref="Ranker.Rank"/> per request (resolve, user tower, scoring, top-k).
/// </summary>
public static class LatencyProbe
{
    /// <summary>Candidates per request in the paper's efficiency comparison (Table 2).</summary>
    public const int DefaultCandidates = 2000;

    /// <summary>Top-k returned per request.</summary>
    public const int TopK = 100;

    /// <summary>
    /// Shortest warm-up. Tiered compilation recompiles hot methods in the background only after their first calls; with
    /// 50 requests alone (~50 ms) the first model a sweep measured ran partly unoptimised code (N = 16: 1.35 ms against
    /// 0.52 ms warm).
    /// </summary>
    public static readonly TimeSpan MinimumWarmup = TimeSpan.FromSeconds(2);

    /// <summary>Measures the artifact in <paramref name="artifactDirectory"/>.</summary>
    /// <param name="artifactDirectory">An exported artifact.</param>
    /// <param name="candidates">Candidates per request; fewer when the model has fewer items.</param>
    /// <param name="requests">Timed requests (≥ 1).</param>
    /// <param name="warmup">Untimed requests first (at least; they go on for <see cref="MinimumWarmup"/>).</param>
    /// <param name="seed">Seed of the candidate choice.</param>
    /// <exception cref="ArtifactException">The artifact is missing or corrupt.</exception>
    public static RankLatency Measure(string artifactDirectory, int candidates = DefaultCandidates, int requests = 300, int warmup = 50, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 1);
        using var ranker = Ranker.Load(artifactDirectory, new InferenceOptions { UserTower = UserTowerImplementation.Native, IntraOpThreads = 1 });
        var artifact = ranker.Artifact;
        var golden = GoldenSet.Read(artifact.PathOf(artifact.Manifest.Golden.File)).Requests;
        if (golden.Count == 0)
        {
            throw new ArtifactException($"{artifactDirectory}: the golden set has no requests to take users from.");
        }

        var keys = artifact.ItemFile.ReadIds().ToArray(); // a tool over a small catalog: every id, once
        new Random(seed).Shuffle(keys);
        var chosen = keys[..Math.Min(candidates, keys.Length)];
        var queries = golden.Select(g => new RankQuery(g.UserFeatures, g.Behaviours, chosen, TopK)).ToArray();
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < warmup || warming.Elapsed < MinimumWarmup; i++)
        {
            ranker.Rank(queries[i % queries.Length]);
        }

        var times = new double[requests];
        for (var i = 0; i < requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            ranker.Rank(queries[i % queries.Length]);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return new RankLatency(chosen.Length, requests, Quantile(times, 0.5), Quantile(times, 0.99), times.Average(), artifact.ItemFile.BytesPerItem);
    }

    // Linear interpolation between order statistics (sorted input).
    private static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }
}
