namespace FitCluster.Training.Data;

/// <summary>
/// Applies the paper's sample protocol (FIT §5.1.1, after DIN) to an <see cref="InteractionLog"/>.
/// </summary>
/// <remarks>
/// <para>For a user with behaviours b_1..b_n and every T = 2..n there is one <em>position</em>: the history is
/// b_max(1, T−L)..b_{T−1} (L = <see cref="SampleBuilderOptions.MaxSequenceLength"/>, see <see cref="History"/>), the
/// positive is b_T (label 1), and the negative is one item drawn uniformly from
/// <see cref="InteractionLog.ActiveItems"/> among the items the user never has as a behaviour anywhere in the log
/// (label 0). Users with fewer than two behaviours yield nothing.</para>
/// <para>Each user's last position (T = n) goes to test; T = 2..n−1 go to train, and a seeded random
/// <see cref="SampleBuilderOptions.ValidationFraction"/> of those positions (rounded to the nearest whole position,
/// both samples of a position together) moves to validation. Every set is ordered by (user, position), positive first.</para>
/// <para>Deterministic: the negatives and the split use separate <see cref="Random"/> streams derived from
/// <see cref="SampleBuilderOptions.Seed"/>, and the negatives are drawn in (user, position) order whatever the split.
/// Thread-safe: no shared state; the log is only read.</para>
/// </remarks>
public static class SampleBuilder
{
    private const int NegativeStream = 1;
    /// <summary>The <see cref="DeriveSeed"/> stream of the validation split.</summary>
    internal const int SplitStream = 2;

    /// <summary>Builds the train / validation / test samples of <paramref name="log"/>.</summary>
    /// <param name="log">Interactions; its arrays are referenced, not copied.</param>
    /// <param name="options">Truncation, validation fraction, seed and optional user slice.</param>
    /// <returns>The splits; <see cref="SampleSplits.MaxSequenceLength"/> is the option's value.</returns>
    /// <exception cref="ArgumentException">The options are out of range (every problem is listed).</exception>
    /// <exception cref="InvalidOperationException">A user with at least two behaviours has every active item as a
    /// behaviour, so no negative can be drawn.</exception>
    public static SampleSplits Build(InteractionLog log, SampleBuilderOptions options)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);

        var userCount = Math.Min(log.UserCount, options.MaxUsers ?? log.UserCount);
        var offsets = log.BehaviourOffsets;
        var behaviourItems = log.BehaviourItems;
        var activeItems = log.ActiveItems;

        var testUserCount = 0;
        var trainPositionCount = 0;
        for (var u = 0; u < userCount; u++)
        {
            var n = offsets[u + 1] - offsets[u];
            if (n >= 2)
            {
                testUserCount++;
                trainPositionCount += n - 2;
            }
        }

        var test = new Columns(2 * testUserCount);
        var trainUser = new int[trainPositionCount];
        var trainPosition = new int[trainPositionCount];
        var trainNegative = new int[trainPositionCount];

        var negativeRng = new Random(DeriveSeed(options.Seed, NegativeStream));
        var stamp = new int[log.ItemVocabSize];
        var unrated = new int[activeItems.Length];
        var nextTrain = 0;
        for (var u = 0; u < userCount; u++)
        {
            var start = offsets[u];
            var end = offsets[u + 1];
            if (end - start < 2)
            {
                continue;
            }

            // Stamp the user's items (user index + 1) so "never rated" is one array read, without a set per user.
            var mark = u + 1;
            var distinct = 0;
            for (var p = start; p < end; p++)
            {
                if (stamp[behaviourItems[p]] != mark)
                {
                    stamp[behaviourItems[p]] = mark;
                    distinct++;
                }
            }

            // Rejection sampling needs few draws unless the user has rated most active items; then draw from the
            // explicit complement instead. Both are uniform over the never-rated active items.
            var unratedCount = -1;
            if (4L * distinct > 3L * activeItems.Length)
            {
                unratedCount = CollectUnrated(activeItems, stamp, mark, unrated);
                if (unratedCount == 0)
                {
                    throw new InvalidOperationException(
                        $"User index {u} of '{log.Name}' has every one of the {activeItems.Length} active items as a behaviour, so no negative can be drawn.");
                }
            }

            for (var p = start + 1; p < end; p++)
            {
                var negative = unratedCount >= 0
                    ? unrated[negativeRng.Next(unratedCount)]
                    : DrawByRejection(activeItems, stamp, mark, negativeRng);
                if (p == end - 1)
                {
                    test.AddPair(u, p, behaviourItems[p], negative);
                }
                else
                {
                    trainUser[nextTrain] = u;
                    trainPosition[nextTrain] = p;
                    trainNegative[nextTrain] = negative;
                    nextTrain++;
                }
            }
        }

        var validationCount = (int)Math.Round(options.ValidationFraction * trainPositionCount, MidpointRounding.AwayFromZero);
        var isValidation = ChooseValidation(trainPositionCount, validationCount, new Random(DeriveSeed(options.Seed, SplitStream)));
        var train = new Columns(2 * (trainPositionCount - validationCount));
        var validation = new Columns(2 * validationCount);
        for (var i = 0; i < trainPositionCount; i++)
        {
            var target = isValidation[i] ? validation : train;
            target.AddPair(trainUser[i], trainPosition[i], behaviourItems[trainPosition[i]], trainNegative[i]);
        }

        return new SampleSplits(log, train.ToSampleSet(), validation.ToSampleSet(), test.ToSampleSet(), options.MaxSequenceLength);
    }

    /// <summary>
    /// The history a sample at <paramref name="position"/> sees: the user's behaviours strictly before it, truncated
    /// to the latest <paramref name="maxSequenceLength"/> (b_max(1, T−L)..b_{T−1}); never empty for a sample built here
    /// (a Taobao page view before the user's first click has an empty history).
    /// </summary>
    /// <param name="log">The log the sample indexes into.</param>
    /// <param name="userIndex">The sample's user.</param>
    /// <param name="position">The sample's <see cref="SampleSet.Position"/>: an index into <see cref="InteractionLog.BehaviourItems"/>
    /// within the user's range, or the end of that range (one past the user's last behaviour: a sample after all of
    /// them, as a Taobao page view after the user's last click).</param>
    /// <param name="maxSequenceLength">Truncation length L, at least 1.</param>
    /// <returns>Item indices, oldest first, as a view of <see cref="InteractionLog.BehaviourItems"/>.</returns>
    public static ReadOnlySpan<int> History(InteractionLog log, int userIndex, int position, int maxSequenceLength)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSequenceLength, 1);
        var start = log.BehaviourOffsets[userIndex];
        if (position < start || position > log.BehaviourOffsets[userIndex + 1])
        {
            throw new ArgumentOutOfRangeException(
                nameof(position), position, $"Position is outside user {userIndex}'s behaviours [{start}, {log.BehaviourOffsets[userIndex + 1]}].");
        }

        var from = Math.Max(start, position - maxSequenceLength);
        return log.BehaviourItems.AsSpan(from, position - from);
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every out-of-range option.</summary>
    internal static void Validate(SampleBuilderOptions options)
    {
        var failures = new List<string>();
        if (options.MaxSequenceLength < 1)
        {
            failures.Add($"MaxSequenceLength must be at least 1 (got {options.MaxSequenceLength}).");
        }

        if (!(options.ValidationFraction >= 0 && options.ValidationFraction < 1))
        {
            failures.Add($"ValidationFraction must be in [0, 1) (got {options.ValidationFraction}).");
        }

        if (options.MaxUsers < 0)
        {
            failures.Add($"MaxUsers must be at least 0 when set (got {options.MaxUsers}).");
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid sample options: " + string.Join(" ", failures), nameof(options));
        }
    }

    private static int DrawByRejection(int[] activeItems, int[] stamp, int mark, Random rng)
    {
        while (true)
        {
            var item = activeItems[rng.Next(activeItems.Length)];
            if (stamp[item] != mark)
            {
                return item;
            }
        }
    }

    private static int CollectUnrated(int[] activeItems, int[] stamp, int mark, int[] unrated)
    {
        var count = 0;
        foreach (var item in activeItems)
        {
            if (stamp[item] != mark)
            {
                unrated[count++] = item;
            }
        }

        return count;
    }

    /// <summary>Marks exactly <paramref name="count"/> of <paramref name="total"/> positions, uniformly (partial Fisher–Yates).</summary>
    internal static bool[] ChooseValidation(int total, int count, Random rng)
    {
        var chosen = new bool[total];
        if (count == 0)
        {
            return chosen;
        }

        var indices = new int[total];
        for (var i = 0; i < total; i++)
        {
            indices[i] = i;
        }

        for (var i = 0; i < count; i++)
        {
            var j = rng.Next(i, total);
            (indices[i], indices[j]) = (indices[j], indices[i]);
            chosen[indices[i]] = true;
        }

        return chosen;
    }

    /// <summary>An independent seed per purpose (SplitMix64 finaliser), so the streams do not shadow each other.</summary>
    internal static int DeriveSeed(int seed, int stream)
    {
        unchecked
        {
            var z = ((ulong)(uint)seed << 8) + ((ulong)stream * 0x9E3779B97F4A7C15UL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & int.MaxValue);
        }
    }

    /// <summary>Fixed-capacity sample columns, filled pair by pair (positive, then negative) to exactly their capacity.</summary>
    private sealed class Columns(int capacity)
    {
        private readonly int[] _user = new int[capacity];
        private readonly int[] _position = new int[capacity];
        private readonly int[] _item = new int[capacity];
        private readonly float[] _label = new float[capacity];
        private int _count;

        public void AddPair(int user, int position, int positive, int negative)
        {
            _user[_count] = user;
            _position[_count] = position;
            _item[_count] = positive;
            _label[_count] = 1f;
            _user[_count + 1] = user;
            _position[_count + 1] = position;
            _item[_count + 1] = negative;
            _count += 2;
        }

        public SampleSet ToSampleSet() =>
            _count == _user.Length
                ? new SampleSet(_user, _position, _item, _label)
                : throw new InvalidOperationException($"Sample columns filled {_count} of {_user.Length}.");
    }
}
