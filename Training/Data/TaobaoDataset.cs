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
    public SampleSplits Split(SampleBuilderOptions options) => ImpressionSplit.Split(Log, PageViews, PageViewTimes, TestDayStart(), options);

    /// <summary>Unix time of 00:00 (UTC+8) of the last day with a page view; every page view at or after it is a test sample.</summary>
    public long TestDayStart() => ImpressionSplit.LastDayStart(PageViewTimes, DayOffset);
}
