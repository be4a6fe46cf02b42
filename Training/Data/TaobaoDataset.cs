namespace FitCluster.Training.Data;

/// <summary>
/// The Taobao Display Ad Click data as <see cref="TaobaoLoader"/> prepares it: the users' ad clicks as behaviours and
/// every page view of a kept user as a labelled sample, ordered by (user, time).
/// </summary>
/// <param name="Log">Users, ad groups and each user's clicked ad groups in time order.</param>
/// <param name="PageViews">One sample per page view: the candidate is its ad group, the label its <c>clk</c>, the
/// position the user's first click at or after its time (history = the clicks strictly before it).</param>
/// <param name="PageViewTimes">Unix time in seconds of each page view.</param>
public sealed record TaobaoDataset(InteractionLog Log, SampleSet PageViews, long[] PageViewTimes)
{
    /// <summary>The day boundary's offset from UTC: the data's timestamps are days in China Standard Time (UTC+8).</summary>
    public static readonly TimeSpan DayOffset = TimeSpan.FromHours(8);

    /// <summary>
    /// Splits by time as DIN does for this data: page views of the last calendar day (UTC+8) are the test set, earlier
    /// ones train (for the public file, 2017-05-06..12 train and 2017-05-13 test); a seeded random
    /// <see cref="SampleBuilderOptions.ValidationFraction"/> of the train page views moves to validation.
    /// </summary>
    /// <param name="options">History truncation, validation fraction, seed and optional user slice (users below
    /// <see cref="SampleBuilderOptions.MaxUsers"/>; the test day is that of the whole data either way).</param>
    /// <returns>Splits whose sets keep the (user, time) order.</returns>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public SampleSplits Split(SampleBuilderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SampleBuilder.Validate(options);
        var testStart = TestDayStart();
        var userLimit = Math.Min(Log.UserCount, options.MaxUsers ?? Log.UserCount);
        var trainRows = new List<int>();
        var testRows = new List<int>();
        for (var i = 0; i < PageViews.Count; i++)
        {
            if (PageViews.User[i] < userLimit)
            {
                (PageViewTimes[i] >= testStart ? testRows : trainRows).Add(i);
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

        return new SampleSplits(Log, Select(train), Select(validation), Select(testRows), options.MaxSequenceLength);
    }

    /// <summary>Unix time of 00:00 (UTC+8) of the last day with a page view; every page view at or after it is a test sample.</summary>
    public long TestDayStart()
    {
        if (PageViewTimes.Length == 0)
        {
            return long.MaxValue;
        }

        var offset = (long)DayOffset.TotalSeconds;
        var last = PageViewTimes.Max() + offset;
        return ((long)Math.Floor(last / 86_400.0) * 86_400) - offset;
    }

    private SampleSet Select(List<int> rows)
    {
        var user = new int[rows.Count];
        var position = new int[rows.Count];
        var item = new int[rows.Count];
        var label = new float[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            user[i] = PageViews.User[row];
            position[i] = PageViews.Position[row];
            item[i] = PageViews.Item[row];
            label[i] = PageViews.Label[row];
        }

        return new SampleSet(user, position, item, label);
    }
}
