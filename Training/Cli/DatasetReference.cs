namespace FitCluster.Training.Cli;

/// <summary>
/// How to load a run's dataset again (<c>dataset.json</c> in the run folder): export needs the vocabularies, item
/// attributes and test users of the exact data the checkpoint was trained on.
/// </summary>
/// <param name="Dataset">Dataset name (<c>synthetic</c>, <c>ml-1m</c>) or the absolute path of a dataset schema file.</param>
/// <param name="DataDirectory">Absolute path of the dataset's files; null for the built-in synthetic data.</param>
/// <param name="DataSeed">Seed of negative sampling and the validation split.</param>
/// <param name="MaxUsers">The user slice, or null for all users.</param>
public sealed record DatasetReference(string Dataset, string? DataDirectory, int DataSeed, int? MaxUsers)
{
    /// <summary>File name inside a run folder.</summary>
    public const string FileName = "dataset.json";
}
