using System.Text.Json;

namespace FitCluster.LoadTest;

/// <summary>
/// Builds the run's distinct requests from an artifact: request i takes golden user i (round robin), a full-length
/// history (<see cref="ArtifactSample.SequenceLength"/> item ids, distinct when the catalogue allows) and
/// <c>candidates</c> distinct item ids, all drawn with one seeded <see cref="Random"/>, so a seed names a workload.
/// </summary>
public static class RequestBuilder
{
    /// <summary>Builds <paramref name="count"/> requests and serialises each body.</summary>
    /// <param name="sample">The artifact's items and users.</param>
    /// <param name="count">How many distinct requests (≥ 1); the run cycles through them.</param>
    /// <param name="candidates">Candidates per request, 1..item count.</param>
    /// <param name="k">Top-k asked for (≥ 1).</param>
    /// <param name="modelVersion">Model version to ask for; null for the cluster's active one.</param>
    /// <param name="seed">Seed of the draws.</param>
    public static IReadOnlyList<PreparedRequest> Build(ArtifactSample sample, int count, int candidates, int k, string? modelVersion, int seed)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var items = sample.ItemKeys.Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (candidates < 1 || candidates > items)
        {
            throw new ArgumentOutOfRangeException(nameof(candidates), candidates, $"needs 1..{items} (the artifact's item count): candidates are distinct");
        }

        var random = new Random(seed);
        // One permutation of item indices, partially reshuffled per draw: the first n entries after a partial
        // Fisher–Yates pass are a uniform sample of n distinct items, whatever order the array started in.
        var permutation = new int[items];
        for (var i = 0; i < items; i++)
        {
            permutation[i] = i;
        }

        var requests = new PreparedRequest[count];
        for (var r = 0; r < count; r++)
        {
            var history = sample.SequenceLength <= items
                ? Distinct(random, permutation, sample.SequenceLength, sample.ItemKeys)
                : WithReplacement(random, sample.SequenceLength, sample.ItemKeys);
            var request = new RankRequestJson(
                sample.Users[r % sample.Users.Count],
                history,
                Distinct(random, permutation, candidates, sample.ItemKeys),
                k,
                modelVersion);
            requests[r] = new PreparedRequest(request, JsonSerializer.SerializeToUtf8Bytes(request, LoadTestJsonContext.Default.RankRequestJson));
        }

        return requests;
    }

    private static string[] Distinct(Random random, int[] permutation, int n, IReadOnlyList<string> keys)
    {
        var ids = new string[n];
        for (var i = 0; i < n; i++)
        {
            var j = random.Next(i, permutation.Length);
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
            ids[i] = keys[permutation[i]];
        }

        return ids;
    }

    private static string[] WithReplacement(Random random, int n, IReadOnlyList<string> keys)
    {
        var ids = new string[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = keys[random.Next(keys.Count)];
        }

        return ids;
    }
}
