using System.Collections.Concurrent;
using FitCluster.Model.Ranking;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// The cluster's answers to requests of a <see cref="ScaleWorkload"/>, kept by request index until the catalog can be
/// ranked in-process, then compared with the <see cref="Ranker"/>'s answers over the same catalog: same item ids in
/// the same order, each score within <see cref="ScoreTolerance"/>. Thread-safe recording.
/// </summary>
/// <param name="Workload">The workload the indices refer to.</param>
/// <param name="Label">Names the configuration in mismatch messages.</param>
public sealed class TopKCheck(ScaleWorkload Workload, string Label)
{
    /// <summary>Largest |cluster − in-process| score difference accepted: the cluster runs the same plan, so it is equal up to float rounding of the merge.</summary>
    public const float ScoreTolerance = 1e-5f;

    private readonly ConcurrentDictionary<int, IReadOnlyList<RankedItemJson>> _answers = new();

    /// <summary>The workload.</summary>
    public ScaleWorkload Workload { get; } = Workload;

    /// <summary>The configuration.</summary>
    public string Label { get; } = Label;

    /// <summary>Answers recorded.</summary>
    public int Count => _answers.Count;

    /// <summary>Records the cluster's top-k for request <paramref name="index"/>.</summary>
    public void Record(int index, IReadOnlyList<RankedItemJson> items) => _answers[index] = items;

    /// <summary>Ranks every recorded request with <paramref name="ranker"/> and compares.</summary>
    /// <returns>How many matched, and a description of the first few mismatches.</returns>
    public (int Equal, IReadOnlyList<string> Mismatches) Compare(Ranker ranker)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        var equal = 0;
        var mismatches = new List<string>();
        foreach (var (index, cluster) in _answers.OrderBy(a => a.Key))
        {
            var request = Workload.Request(index);
            var expected = ranker.Rank(new RankQuery(request.User, request.Behaviours, request.Candidates, request.K)).Items;
            var problem = Difference(expected, cluster);
            if (problem is null)
            {
                equal++;
            }
            else if (mismatches.Count < 5)
            {
                mismatches.Add($"{Label}, request {index}: {problem}");
            }
        }

        return (equal, mismatches);
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
