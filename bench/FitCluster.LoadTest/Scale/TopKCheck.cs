using System.Collections.Concurrent;
using FitCluster.Model.Ranking;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// The cluster's answers to requests of a <see cref="ScaleWorkload"/>, kept by request index until the catalog can be
/// ranked in-process, then compared with the <see cref="Ranker"/>'s answers over the same catalog: same item ids in
/// the same order, each score within <see cref="ScoreTolerance"/>. Thread-safe recording.
/// </summary>
/// <param name="workload">The workload the indices refer to.</param>
/// <param name="label">Names the configuration in mismatch messages.</param>
public sealed class TopKCheck(ScaleWorkload workload, string label)
{
    /// <summary>Largest |cluster − in-process| score difference accepted: the cluster runs the same plan, so it is equal up to float rounding of the merge.</summary>
    public const float ScoreTolerance = 1e-5f;

    private readonly ConcurrentDictionary<int, IReadOnlyList<RankedItemJson>> _answers = new();

    /// <summary>The workload.</summary>
    public ScaleWorkload Workload { get; } = workload;

    /// <summary>The configuration.</summary>
    public string Label { get; } = label;

    /// <summary>Answers recorded.</summary>
    public int Count => _answers.Count;

    /// <summary>Records the cluster's top-k for request <paramref name="index"/>.</summary>
    public void Record(int index, IReadOnlyList<RankedItemJson> items) => _answers[index] = items;

    /// <summary>Ranks every recorded request with <paramref name="ranker"/> and compares.</summary>
    /// <returns>How many matched exactly, how many differed only in the order of near-tied items
    /// (<see cref="OnlyNearTies"/>), and a description of the first few mismatches.</returns>
    public (int Equal, int NearTies, IReadOnlyList<string> Mismatches) Compare(Ranker ranker)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        var equal = 0;
        var nearTies = 0;
        var mismatches = new List<string>();
        foreach (var (index, cluster) in _answers.OrderBy(a => a.Key))
        {
            var request = Workload.Request(index);
            var expected = ranker.Rank(new RankQuery(request.User, request.Behaviours, request.Candidates, request.K)).Items;
            var problem = Difference(expected, cluster);
            if (problem is null)
            {
                equal++;
                continue;
            }

            if (OnlyNearTies(expected, cluster))
            {
                nearTies++;
                problem += " (near tie)";
            }

            if (mismatches.Count < 5)
            {
                mismatches.Add($"{Label}, request {index}: {problem}");
            }
        }

        return (equal, nearTies, mismatches);
    }

    /// <summary>
    /// Whether <paramref name="cluster"/> differs from <paramref name="expected"/> only among items whose scores lie within
    /// <see cref="ScoreTolerance"/> of each other: the score at every position agrees within the tolerance, and every item
    /// the cluster placed elsewhere (or in place of another, at the k-th boundary) has the in-process score of the place it took.
    /// </summary>
    public static bool OnlyNearTies(IReadOnlyList<RankedItem> expected, IReadOnlyList<RankedItemJson> cluster)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(cluster);
        if (expected.Count != cluster.Count)
        {
            return false;
        }

        var expectedScores = new Dictionary<string, float>(expected.Count, StringComparer.Ordinal);
        foreach (var item in expected)
        {
            expectedScores[item.ItemKey] = item.Score;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (!(Math.Abs(expected[i].Score - cluster[i].Score) <= ScoreTolerance))
            {
                return false;
            }

            // An item the in-process ranker also kept must have its score there; one it left out must tie its last place.
            var reference = expectedScores.TryGetValue(cluster[i].ItemId, out var score) ? score : expected[^1].Score;
            if (!(Math.Abs(reference - cluster[i].Score) <= ScoreTolerance))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Why <paramref name="cluster"/> is not <paramref name="expected"/>, or null when it is.</summary>
    public static string? Difference(IReadOnlyList<RankedItem> expected, IReadOnlyList<RankedItemJson> cluster)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(cluster);
        if (expected.Count != cluster.Count)
        {
            return $"{cluster.Count} items, the in-process ranker {expected.Count}";
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i].ItemKey != cluster[i].ItemId || !(Math.Abs(expected[i].Score - cluster[i].Score) <= ScoreTolerance))
            {
                return $"position {i + 1}: cluster {cluster[i].ItemId} ({cluster[i].Score:G7}), in-process {expected[i].ItemKey} ({expected[i].Score:G7})";
            }
        }

        return null;
    }
}
