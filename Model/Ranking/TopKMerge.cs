namespace FitCluster.Model.Ranking;

/// <summary>
/// The gather step of a scatter-gather ranking: a k-way merge of partial top-k lists (one per shard), each already best
/// first, into the overall top-k by the <see cref="Ranker"/>'s order rule — higher score first, equal scores by earlier
/// request position — in O(k log s) for s lists, without concatenating or sorting them.
/// </summary>
public static class TopKMerge
{
    /// <summary>Merges <paramref name="lists"/> (each best first by the order rule) and returns the best <paramref name="k"/>.</summary>
    /// <param name="lists">Per list: request positions and their scores, same length, best first.</param>
    /// <param name="k">How many to keep (≥ 1).</param>
    /// <exception cref="ArgumentException">A list's arrays differ in length, or a list is not best first.</exception>
    public static (int Position, float Score)[] Merge(IReadOnlyList<(int[] Positions, float[] Scores)> lists, int k)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var total = 0;
        foreach (var (positions, scores) in lists)
        {
            if (positions.Length != scores.Length)
            {
                throw new ArgumentException("A partial top-k list has positions and scores of different lengths.", nameof(lists));
            }

            total += positions.Length;
        }

        // The head of each non-empty list in a priority queue ordered by the rule (the "smallest" element is the best).
        var queue = new PriorityQueue<(int List, int Index), (float Score, int Position)>(lists.Count, BestFirst.Instance);
        for (var l = 0; l < lists.Count; l++)
        {
            if (lists[l].Positions.Length > 0)
            {
                queue.Enqueue((l, 0), (lists[l].Scores[0], lists[l].Positions[0]));
            }
        }

        var result = new (int Position, float Score)[Math.Min(k, total)];
        for (var n = 0; n < result.Length; n++)
        {
            var (list, index) = queue.Dequeue();
            var (positions, scores) = lists[list];
            result[n] = (positions[index], scores[index]);
            if (++index < positions.Length)
            {
                if (BestFirst.Instance.Compare((scores[index], positions[index]), (scores[index - 1], positions[index - 1])) < 0)
                {
                    throw new ArgumentException($"Partial top-k list {list} is not best first at {index}.", nameof(lists));
                }

                queue.Enqueue((list, index), (scores[index], positions[index]));
            }
        }

        return result;
    }

    private sealed class BestFirst : IComparer<(float Score, int Position)>
    {
        public static readonly BestFirst Instance = new();

        public int Compare((float Score, int Position) x, (float Score, int Position) y) =>
            x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.Position.CompareTo(y.Position);
    }
}
