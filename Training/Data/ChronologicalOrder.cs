namespace FitCluster.Training.Data;

/// <summary>Groups event rows by user and orders each user's rows by time, ties kept in row (file) order.</summary>
/// <remarks>Thread-safe: no shared state.</remarks>
internal static class ChronologicalOrder
{
    /// <summary>
    /// The rows <c>i</c> with <c>users[i] ≥ 0</c>, grouped by user (ascending) and, within a user, in stable
    /// time order: user <c>u</c>'s rows are <c>rows[offsets[u]..offsets[u+1]]</c>.
    /// </summary>
    /// <param name="users">Dense user index of each row, or a negative value to leave the row out.</param>
    /// <param name="times">Time of each row (any unit); same length as <paramref name="users"/>.</param>
    /// <param name="userCount">Number of users; every index in <paramref name="users"/> is below it.</param>
    /// <param name="offsets">CSR offsets, length <paramref name="userCount"/> + 1.</param>
    /// <returns>Row indices in (user, time, row) order.</returns>
    public static int[] GroupByUser(ReadOnlySpan<int> users, ReadOnlySpan<long> times, int userCount, out int[] offsets)
    {
        if (times.Length != users.Length)
        {
            throw new ArgumentException($"{users.Length} users but {times.Length} times.", nameof(times));
        }

        // Counting sort by user keeps row order within a user; then a stable per-user sort by time.
        offsets = new int[userCount + 1];
        foreach (var user in users)
        {
            if (user >= 0)
            {
                offsets[user + 1]++;
            }
        }

        for (var u = 0; u < userCount; u++)
        {
            offsets[u + 1] += offsets[u];
        }

        var cursor = offsets.AsSpan(0, userCount).ToArray();
        var rows = new int[offsets[userCount]];
        var sortedTimes = new long[rows.Length];
        for (var i = 0; i < users.Length; i++)
        {
            if (users[i] >= 0)
            {
                var slot = cursor[users[i]]++;
                rows[slot] = i;
                sortedTimes[slot] = times[i];
            }
        }

        StableSortEachUserByTime(offsets, rows, sortedTimes);
        return rows;
    }

    private static void StableSortEachUserByTime(int[] offsets, int[] rows, long[] times)
    {
        for (var u = 0; u + 1 < offsets.Length; u++)
        {
            var start = offsets[u];
            var length = offsets[u + 1] - start;
            var userTimes = times.AsSpan(start, length);
            if (IsNonDecreasing(userTimes))
            {
                continue;
            }

            // The span sort is not stable: restore row order inside every run of equal times afterwards (rows of a
            // user are ascending before the sort, so ascending rows = file order).
            var userRows = rows.AsSpan(start, length);
            userTimes.Sort(userRows);
            for (var runStart = 0; runStart < length;)
            {
                var runEnd = runStart + 1;
                while (runEnd < length && userTimes[runEnd] == userTimes[runStart])
                {
                    runEnd++;
                }

                if (runEnd - runStart > 1)
                {
                    userRows[runStart..runEnd].Sort();
                }

                runStart = runEnd;
            }
        }
    }

    private static bool IsNonDecreasing(ReadOnlySpan<long> values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] < values[i - 1])
            {
                return false;
            }
        }

        return true;
    }
}
