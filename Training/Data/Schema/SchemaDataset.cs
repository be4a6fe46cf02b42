namespace FitCluster.Training.Data.Schema;

/// <summary>A dataset loaded through its schema: the log, and for labelled impressions the impressions to split.</summary>
/// <param name="Log">Users, items, features and each user's behaviours in time order.</param>
/// <param name="Impressions">labelled-impressions: every kept impression in (user, time) order, position = the user's
/// first behaviour at or after its time (history = the behaviours strictly before it); null for next-behaviour.</param>
/// <param name="ImpressionTimes">Time of each impression, or null with them.</param>
/// <param name="TestStart">labelled-impressions: first time of the test set.</param>
/// <param name="Report">The data-check report of the run that parsed the files (also shown when read from the cache).</param>
public sealed record SchemaDataset(InteractionLog Log, SampleSet? Impressions, long[]? ImpressionTimes, long TestStart, IReadOnlyList<string> Report)
{
    /// <summary>The train / validation / test samples: next-behaviour builds them with <see cref="SampleBuilder"/>;
    /// labelled impressions are split at <see cref="TestStart"/>.</summary>
    public SampleSplits Split(SampleBuilderOptions options) =>
        Impressions is null || ImpressionTimes is null
            ? SampleBuilder.Build(Log, options)
            : ImpressionSplit.Split(Log, Impressions, ImpressionTimes, TestStart, options);
}
