using System.CommandLine;
using FitCluster.Training.Export;

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
        var dataset = new Option<string?>("--dataset") { Description = "Dataset name or schema file, when the run has no dataset.json" };
        var goldenUsers = new Option<int>("--golden-users") { Description = "Test users in the golden set", DefaultValueFactory = _ => 10 };
        var command = new Command("export", "Export a trained FIT or Two-Tower checkpoint as a verified serving artifact (manifest, ONNX towers, item table, golden set)")
        {
            checkpoint, output, half, data, dataset, goldenUsers,
        };
        command.SetAction(parse =>
        {
            // Refuses a model it cannot serve before loading the dataset: refusing takes no time.
            var loaded = LoadedCheckpoint.Load(parse.GetRequiredValue(checkpoint), parse.GetValue(dataset), parse.GetValue(data), Console.Error.WriteLine,
                run => ArtifactExporter.EnsureServable(run.ModelOptions));
            using var model = loaded.Model;
            var (run, splits) = (loaded.Run, loaded.Splits);
            var manifest = ArtifactExporter.Export(model, splits, run, parse.GetRequiredValue(output),
                new ExportOptions { Half = parse.GetValue(half), GoldenUsers = parse.GetValue(goldenUsers) }, Console.Error.WriteLine);
            Console.WriteLine($"{manifest.ModelVersion} → {Path.GetFullPath(parse.GetRequiredValue(output))}");
            return 0;
        });
        return command;
    }
}
