using System.CommandLine;
using System.Globalization;
using FitCluster.Training.Data;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Cli;

/// <summary><c>fit train</c>: trains one model and writes its run folder.</summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var args = new TrainingArguments();
        var model = new Option<string>("--model") { Description = $"Model: {string.Join(", ", ModelOptions.PresetNames)}", DefaultValueFactory = _ => "fit" };
        var output = new Option<string?>("--out") { Description = "Run folder (default runs/<dataset>-<model>-s<seed>)" };
        var command = new Command("train", "Train one model with the paper's protocol and write metrics.json, curves, predictions and the checkpoint");
        args.AddTo(command);
        command.Add(model);
        command.Add(output);
        command.SetAction(parse =>
        {
            var modelOptions = args.Model(parse, parse.GetRequiredValue(model));
            var trainOptions = args.Train(parse);
            var dataset = parse.GetRequiredValue(args.Dataset);
            var directory = parse.GetValue(output) ?? Path.Combine("runs", $"{dataset}-{modelOptions.Name}-s{trainOptions.Seed}");
            var splits = DatasetSource.Load(dataset, parse.GetValue(args.Data), args.Samples(parse), Console.Error.WriteLine);
            var run = TrainAndWrite(splits, modelOptions, trainOptions, directory, modelOptions.Name);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run.Model} on {run.Dataset} (seed {run.Seed}): test AUC {run.TestAuc:F4}, test logloss {run.TestLogloss:F4}, best epoch {run.BestEpoch}/{run.EpochsRun}, {run.SamplesPerSecond:N0} samples/s → {Path.GetFullPath(directory)}"));
            return 0;
        });
        return command;
    }

    /// <summary>Trains with a console progress display and writes the run folder.</summary>
    public static TrainRun TrainAndWrite(SampleSplits splits, ModelOptions modelOptions, TrainOptions trainOptions, string directory, string label)
    {
        var observer = new ConsoleTrainingObserver(label);
        return observer.Run(o =>
        {
            var (run, trained, testLogits) = Trainer.Train(splits, modelOptions, trainOptions, o);
            using (trained)
            {
                RunWriter.Write(directory, run, trained, splits, testLogits, o.Steps);
            }

            return run;
        });
    }
}
