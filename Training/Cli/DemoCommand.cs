using System.CommandLine;
using System.Globalization;
using FitCluster.Training.Evaluation;
using FitCluster.Training.Runs;
using Spectre.Console;

namespace FitCluster.Training.Cli;

/// <summary>
/// <c>fit demo</c>: the main job on a fresh machine. Trains Two-Tower and FIT on the built-in synthetic dataset (or on
/// ML-1M with <c>--dataset ml-1m --data DIR</c>) and prints their test metrics side by side.
/// </summary>
public static class DemoCommand
{
    private static readonly string[] s_models = ["two-tower", "fit"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var args = new TrainingArguments();
        var output = new Option<string>("--out") { Description = "Folder for the demo's runs", DefaultValueFactory = _ => Path.Combine("runs", "demo") };
        var command = new Command("demo", "Train Two-Tower and FIT and compare them (synthetic data unless --dataset ml-1m --data DIR)");
        args.AddTo(command);
        command.Add(output);
        args.Epochs.DefaultValueFactory = _ => 3;
        command.SetAction(parse =>
        {
            var dataset = parse.GetRequiredValue(args.Dataset);
            if (dataset == "synthetic" && parse.GetValue(args.Data) is { } dataDirectory)
            {
                dataset = "ml-1m"; // --data alone means the real dataset
                Console.Error.WriteLine($"using ML-1M from {dataDirectory}");
            }

            var splits = DatasetSource.Load(dataset, parse.GetValue(args.Data), args.Samples(parse), Console.Error.WriteLine);
            var directory = parse.GetRequiredValue(output);
            var runs = new List<TrainRun>();
            foreach (var name in s_models)
            {
                runs.Add(TrainCommand.TrainAndWrite(splits, args.Model(parse, name), args.Train(parse), Path.Combine(directory, name), name));
            }

            Print(runs, dataset == "synthetic");
            Console.WriteLine($"runs written to {Path.GetFullPath(directory)}");
            return 0;
        });
        return command;
    }

    private static void Print(List<TrainRun> runs, bool synthetic)
    {
        var table = new Table().Title(synthetic ? "FIT vs Two-Tower on the built-in SYNTHETIC dataset (not real data)" : $"FIT vs Two-Tower on {runs[0].Dataset}");
        foreach (var column in new[] { "model", "test AUC", "test logloss", "RelaImpr vs Two-Tower", "best epoch", "samples/s" })
        {
            table.AddColumn(column);
        }

        var baseAuc = runs[0].TestAuc;
        foreach (var run in runs)
        {
            table.AddRow(
                run.Model,
                F(run.TestAuc, "F4"),
                F(run.TestLogloss, "F4"),
                F(BinaryMetrics.RelaImpr(run.TestAuc, baseAuc), "F2") + "%",
                $"{run.BestEpoch}/{run.EpochsRun}",
                F(run.SamplesPerSecond, "N0"));
        }

        AnsiConsole.Write(table);
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
