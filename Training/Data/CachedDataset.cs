namespace FitCluster.Training.Data;

/// <summary>What <see cref="DatasetCache"/> stores: a preprocessed log and, when the files define the samples, those samples.</summary>
/// <param name="Log">The interaction log.</param>
/// <param name="Samples">Samples read from the files (Taobao page views), or null when the protocol builds them (Amazon).</param>
/// <param name="SampleTimes">Unix time in seconds of each of <paramref name="Samples"/>, or null with them.</param>
public sealed record CachedDataset(InteractionLog Log, SampleSet? Samples, long[]? SampleTimes);
