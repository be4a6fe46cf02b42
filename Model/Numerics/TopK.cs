namespace FitCluster.Model.Numerics;

/// <summary>Selects the k best scores with a bounded heap: O(n log k) time, no allocation, no sort of all scores.</summary>
/// <remarks>
/// Order is total and deterministic: a higher score is better; among equal scores the lower index is better
/// (so -0 and +0 tie and are ordered by index). NaN scores are never selected. Stateless and thread-safe.
/// </remarks>
public static class TopK
{
    /// <summary>
    /// Writes the best <c>best.Length</c> (= k) entries of <paramref name="scores"/> to the front of
    /// <paramref name="best"/>, best first, and returns how many were written.
    /// </summary>
    /// <param name="scores">Scores indexed 0..n-1; the <see cref="ScoredIndex.Index"/> written is the position here.</param>
    /// <param name="best">
    /// Caller-owned output; its length is k. Entries at or past the returned count are left unchanged.
    /// </param>
    /// <returns>
    /// min(k, number of non-NaN scores): min(k, <c>scores.Length</c>) when no score is NaN; 0 when k is 0.
    /// </returns>
    public static int Select(ReadOnlySpan<float> scores, Span<ScoredIndex> best)
    {
        var k = best.Length;
        if (k == 0)
        {
            return 0;
        }

        // Min-heap on quality: best[0] is the worst kept entry, the one the next better score evicts.
        var count = 0;
        var i = 0;
        for (; i < scores.Length && count < k; i++)
        {
            var score = scores[i];
            if (float.IsNaN(score))
            {
                continue;
            }

            best[count] = new ScoredIndex(score, i);
            SiftUp(best, count);
            count++;
        }

        if (count == k)
        {
            var floor = best[0].Score;
            for (; i < scores.Length; i++)
            {
                var score = scores[i];

                // Strictly greater only: an equal score arrives with a higher index and so loses the tie,
                // and a NaN fails every comparison.
                if (score > floor)
                {
                    best[0] = new ScoredIndex(score, i);
                    SiftDown(best, 0, k);
                    floor = best[0].Score;
                }
            }
        }

        // Heap sort in place: the worst goes to the back each round, leaving the kept entries best first.
        for (var end = count - 1; end > 0; end--)
        {
            (best[0], best[end]) = (best[end], best[0]);
            SiftDown(best, 0, end);
        }

        return count;
    }

    /// <summary>Sorts every non-NaN score and copies the first k; the oracle for tests. Allocates.</summary>
    internal static int SelectReference(ReadOnlySpan<float> scores, Span<ScoredIndex> best)
    {
        var all = new List<ScoredIndex>(scores.Length);
        for (var i = 0; i < scores.Length; i++)
        {
            if (!float.IsNaN(scores[i]))
            {
                all.Add(new ScoredIndex(scores[i], i));
            }
        }

        all.Sort(static (x, y) => IsWorse(x, y) ? 1 : IsWorse(y, x) ? -1 : 0);
        var count = Math.Min(best.Length, all.Count);
        for (var i = 0; i < count; i++)
        {
            best[i] = all[i];
        }

        return count;
    }

    /// <summary>True when <paramref name="x"/> ranks below <paramref name="y"/>: lower score, or same score and later index.</summary>
    private static bool IsWorse(ScoredIndex x, ScoredIndex y) =>
        x.Score < y.Score || (x.Score == y.Score && x.Index > y.Index);

    private static void SiftUp(Span<ScoredIndex> heap, int child)
    {
        var item = heap[child];
        while (child > 0)
        {
            var parent = (child - 1) >> 1;
            if (!IsWorse(item, heap[parent]))
            {
                break;
            }

            heap[child] = heap[parent];
            child = parent;
        }

        heap[child] = item;
    }

    private static void SiftDown(Span<ScoredIndex> heap, int parent, int count)
    {
        var item = heap[parent];
        while (true)
        {
            var child = (2 * parent) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && IsWorse(heap[child + 1], heap[child]))
            {
                child++;
            }

            if (!IsWorse(heap[child], item))
            {
                break;
            }

            heap[parent] = heap[child];
            parent = child;
        }

        heap[parent] = item;
    }
}
