namespace FitCluster.Training.Data;

/// <summary>
/// The time split of labelled impressions (Taobao, or a schema's <c>labelled-impressions</c>): impressions at or after a
/// test start are the test set, earlier ones train, and a seeded random fraction of train moves to validation.
/// </summary>
/// <remarks>Thread-safe: no shared state.</remarks>
public static class ImpressionSplit
{
    /// <summary>Splits <paramref name="impressions"/> at <paramref name="testStart"/>.</summary>
    /// <param name="log">The log the impressions index into.</param>
    /// <param name="impressions">Samples in (user, time) order.</param>
    /// <param name="times">Time of each impression.</param>
    /// <param name="testStart">First time of the test set.</param>
    /// <param name="options">History truncation, validation fraction, seed and optional user slice (users below
    /// <see cref="SampleBuilderOptions.MaxUsers"/>; the test start is not affected).</param>
    /// <returns>Splits whose sets keep the (user, time) order.</returns>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public static SampleSplits Split(InteractionLog log, SampleSet impressions, long[] times, long testStart, SampleBuilderOptions options)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(impressions);
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(options);
        SampleBuilder.Validate(options);
        var userLimit = Math.Min(log.UserCount, options.MaxUsers ?? log.UserCount);
        var trainRows = new List<int>();
        var testRows = new List<int>();
        for (var i = 0; i < impressions.Count; i++)
        {
            if (impressions.User[i] < userLimit)
            {
                (times[i] >= testStart ? testRows : trainRows).Add(i);
            }
        }

        var validationCount = (int)Math.Round(options.ValidationFraction * trainRows.Count, MidpointRounding.AwayFromZero);
        var isValidation = SampleBuilder.ChooseValidation(
            trainRows.Count, validationCount, new Random(SampleBuilder.DeriveSeed(options.Seed, SampleBuilder.SplitStream)));
        var train = new List<int>(trainRows.Count - validationCount);
        var validation = new List<int>(validationCount);
        for (var i = 0; i < trainRows.Count; i++)
        {
            (isValidation[i] ? validation : train).Add(trainRows[i]);
        }

        return new SampleSplits(log, Select(impressions, train), Select(impressions, validation), Select(impressions, testRows), options.MaxSequenceLength);
    }

    /// <summary>The start (00:00 in the zone <paramref name="utcOffset"/>) of the last calendar day of <paramref name="times"/> (unix seconds); <see cref="long.MaxValue"/> when empty.</summary>
    public static long LastDayStart(ReadOnlySpan<long> times, TimeSpan utcOffset)
    {
        if (times.IsEmpty)
        {
            return long.MaxValue;
        }

        var offset = (long)utcOffset.TotalSeconds;
        var last = long.MinValue;
        foreach (var time in times)
        {
            last = Math.Max(last, time);
        }

        return ((long)Math.Floor((last + offset) / 86_400.0) * 86_400) - offset;
    }

    private static SampleSet Select(SampleSet samples, List<int> rows)
    {
        var user = new int[rows.Count];
        var position = new int[rows.Count];
        var item = new int[rows.Count];
        var label = new float[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            user[i] = samples.User[row];
            position[i] = samples.Position[row];
            item[i] = samples.Item[row];
            label[i] = samples.Label[row];
        }

        return new SampleSet(user, position, item, label);
    }
}
