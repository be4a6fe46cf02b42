using FitCluster.Training.Data;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Cli;

/// <summary>A finished run loaded again: its metrics, its dataset and its best-epoch model (the caller disposes it).</summary>
/// <param name="RunDirectory">The run folder.</param>
/// <param name="Run">The run's metrics.json.</param>
/// <param name="Splits">The dataset as the run saw it (same data seed and user slice).</param>
/// <param name="Model">The checkpoint's model.</param>
public sealed record LoadedCheckpoint(string RunDirectory, TrainRun Run, SampleSplits Splits, RankingModel Model)
{
    /// <summary>
    /// Loads the run in <paramref name="path"/> (a run folder or its checkpoint.bin) with its dataset
    /// (from dataset.json, or <paramref name="dataset"/> / <paramref name="data"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">Not a finished run, or no checkpoint.</exception>
    /// <exception cref="InvalidDataException">The checkpoint does not match the run's model on this dataset.</exception>
    /// <param name="path">Run folder or its checkpoint.bin.</param>
    /// <param name="dataset">Dataset name, when the run has no dataset.json.</param>
    /// <param name="data">Dataset folder, when dataset.json is missing or points elsewhere.</param>
    /// <param name="log">Receives the dataset's status lines.</param>
    /// <param name="check">Called with the run before its dataset is loaded (a refusal here costs no time).</param>
    public static LoadedCheckpoint Load(string path, string? dataset, string? data, Action<string> log, Action<TrainRun>? check = null)
    {
        var runDirectory = File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
        var checkpointFile = File.Exists(path) ? path : Path.Combine(runDirectory, "checkpoint.bin");
        var run = RunWriter.TryRead(runDirectory)
            ?? throw new FileNotFoundException($"'{runDirectory}' has no metrics.json: not a finished run of ./fit train.");
        if (!File.Exists(checkpointFile))
        {
            throw new FileNotFoundException($"No checkpoint at '{checkpointFile}'.", checkpointFile);
        }

        check?.Invoke(run);
        var reference = ReadReference(runDirectory, run.Dataset, dataset, data);
        var samples = new SampleBuilderOptions { Seed = reference.DataSeed, MaxUsers = reference.MaxUsers };
        var splits = DatasetSource.Load(reference.Dataset, reference.DataDirectory, samples, log);
        var model = ModelFactory.Create(FeatureSchema.From(splits.Log), run.ModelOptions);
        try
        {
            model.load(checkpointFile);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            model.Dispose();
            throw new InvalidDataException($"'{checkpointFile}' does not match the run's model ({run.ModelOptions.Name}) on this dataset: {e.Message}", e);
        }

        return new LoadedCheckpoint(runDirectory, run, splits, model);
    }

    private static DatasetReference ReadReference(string runDirectory, string runDataset, string? dataset, string? data)
    {
        var path = Path.Combine(runDirectory, DatasetReference.FileName);
        var reference = File.Exists(path)
            ? System.Text.Json.JsonSerializer.Deserialize<DatasetReference>(File.ReadAllText(path), RunWriter.Json)!
            : new DatasetReference(dataset ?? runDataset, null, SampleBuilderOptions.DefaultSeed, null);
        if (dataset is not null && DatasetSource.Reference(dataset) != reference.Dataset)
        {
            throw new ArgumentException($"The run was trained on '{reference.Dataset}', not '{dataset}'.");
        }

        return data is null ? reference : reference with { DataDirectory = Path.GetFullPath(data) };
    }
}
