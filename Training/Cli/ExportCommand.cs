using System.CommandLine;
using System.Text.Json;
using FitCluster.Model.Artifacts;
using FitCluster.Training.Data;
using FitCluster.Training.Export;
using FitCluster.Training.Models;

namespace FitCluster.Training.Cli;

/// <summary><c>fit export</c>: turns a trained run's checkpoint into a serving artifact.</summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder (or its checkpoint.bin) written by ./fit train", Required = true };
        var output = new Option<string>("--out") { Description = "Artifact folder to create (one model version)", Required = true };
        var half = new Option<bool>("--half") { Description = "Store item heads as float16 (half the bytes)" };
        var data = new Option<string?>("--data") { Description = "Dataset folder, when the run's dataset.json is missing or points elsewhere" };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset name, when the run has no dataset.json" };
        var goldenUsers = new Option<int>("--golden-users") { Description = "Test users in the golden set", DefaultValueFactory = _ => 10 };
        var command = new Command("export", "Export a trained FIT or Two-Tower checkpoint as a verified serving artifact (manifest, ONNX towers, item table, golden set)")
        {
            checkpoint, output, half, data, dataset, goldenUsers,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetRequiredValue(checkpoint);
            var runDirectory = File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
            var checkpointFile = File.Exists(path) ? path : Path.Combine(runDirectory, "checkpoint.bin");
            var run = RunWriter.TryRead(runDirectory)
                ?? throw new FileNotFoundException($"'{runDirectory}' has no metrics.json: not a finished run of ./fit train.");
            if (!File.Exists(checkpointFile))
            {
                throw new FileNotFoundException($"No checkpoint at '{checkpointFile}'.", checkpointFile);
            }

            ArtifactExporter.EnsureServable(run.ModelOptions); // before loading the dataset: refusing takes no time
            var reference = ReadReference(runDirectory, run.Dataset, parse.GetValue(dataset), parse.GetValue(data));
            var samples = new SampleBuilderOptions { Seed = reference.DataSeed, MaxUsers = reference.MaxUsers };
            var splits = DatasetSource.Load(reference.Dataset, reference.DataDirectory, samples, Console.Error.WriteLine);
            using var model = ModelFactory.Create(FeatureSchema.From(splits.Log), run.ModelOptions);
            try
            {
                model.load(checkpointFile);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
            {
                throw new InvalidDataException($"'{checkpointFile}' does not match the run's model ({run.ModelOptions.Name}) on this dataset: {e.Message}", e);
            }

            var manifest = ArtifactExporter.Export(model, splits, run, parse.GetRequiredValue(output),
                new ExportOptions { Half = parse.GetValue(half), GoldenUsers = parse.GetValue(goldenUsers) }, Console.Error.WriteLine);
            Console.WriteLine($"{manifest.ModelVersion} → {Path.GetFullPath(parse.GetRequiredValue(output))}");
            return 0;
        });
        return command;
    }

    private static DatasetReference ReadReference(string runDirectory, string runDataset, string? dataset, string? data)
    {
        var path = Path.Combine(runDirectory, DatasetReference.FileName);
        var reference = File.Exists(path)
            ? JsonSerializer.Deserialize<DatasetReference>(File.ReadAllText(path), RunWriter.Json)!
            : new DatasetReference(dataset ?? runDataset, null, SampleBuilderOptions.DefaultSeed, null);
        if (dataset is not null && dataset != reference.Dataset)
        {
            throw new ArgumentException($"The run was trained on '{reference.Dataset}', not '{dataset}'.");
        }

        return data is null ? reference : reference with { DataDirectory = Path.GetFullPath(data) };
    }
}
