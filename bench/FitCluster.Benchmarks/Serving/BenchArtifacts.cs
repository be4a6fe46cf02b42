using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;

namespace FitCluster.Benchmarks.Serving;

/// <summary>
/// The exported models the serving benchmarks run: <c>$FIT_BENCH_ARTIFACTS/{fit,fit-f16,two-tower}</c>, written by
/// <c>./fit bench serving</c> (ML-1M models when the data is there). Requests are built from the artifact itself:
/// a user from its golden set, the longest allowed history (worst case), and distinct random candidates.
/// </summary>
public static class BenchArtifacts
{
    /// <summary>Environment variable naming the folder that holds the artifacts.</summary>
    public const string Variable = "FIT_BENCH_ARTIFACTS";

    /// <summary>Path of one artifact (<c>fit</c>, <c>fit-f16</c>, <c>two-tower</c>).</summary>
    public static string PathOf(string name)
    {
        var root = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(root))
        {
            throw new InvalidOperationException($"Set {Variable} to a folder with exported fit/, fit-f16/ and two-tower/ artifacts (./fit bench serving does this).");
        }

        var path = System.IO.Path.Combine(root, name);
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"No artifact '{name}' under {root}.");
    }

    /// <summary>A request of <paramref name="candidates"/> distinct random items and a full-length history, seeded.</summary>
    public static RankQuery Request(ModelArtifact artifact, int candidates, int seed)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var golden = GoldenSet.Read(artifact.PathOf(artifact.Manifest.Golden.File));
        var random = new Random(seed);
        var user = golden.Requests[random.Next(golden.Requests.Count)].UserFeatures;
        var keys = artifact.ItemFile.ReadIds().ToArray(); // the bench artifacts are small: every id, once
        var history = Enumerable.Range(0, artifact.Manifest.Dims.SequenceLength).Select(_ => keys[random.Next(keys.Length)]).ToArray();
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        while (chosen.Count < Math.Min(candidates, keys.Length))
        {
            chosen.Add(keys[random.Next(keys.Length)]);
        }

        return new RankQuery(user, history, [.. chosen], 10);
    }
}
