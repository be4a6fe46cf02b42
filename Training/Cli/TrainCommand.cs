using System.CommandLine;
using System.Globalization;
using FitCluster.Training.Data;
using FitCluster.Training.Export;
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
        var export = new Option<string?>("--export") { Description = "Also export the trained model as a serving artifact into this folder" };
        var half = new Option<bool>("--half") { Description = "With --export: store item heads as float16" };
        var command = new Command("train", "Train one model with the paper's protocol and write metrics.json, curves, predictions and the checkpoint");
        args.AddTo(command);
        command.Add(model);
        command.Add(output);
        command.Add(export);
        command.Add(half);
        command.SetAction(parse =>
        {
            var modelOptions = args.Model(parse, parse.GetRequiredValue(model));
            var trainOptions = args.Train(parse);
            var exportDirectory = parse.GetValue(export);
            if (exportDirectory is not null)
            {
                ArtifactExporter.EnsureServable(modelOptions); // before training, not after
            }

            var dataset = parse.GetRequiredValue(args.Dataset);
            var directory = parse.GetValue(output) ?? Path.Combine("runs", $"{DatasetSource.DisplayName(dataset)}-{modelOptions.Name}-s{trainOptions.Seed}");
            var samples = args.Samples(parse);
            var data = parse.GetValue(args.Data);
            var splits = DatasetSource.Load(dataset, data, samples, Console.Error.WriteLine);
            var reference = new DatasetReference(DatasetSource.Reference(dataset), data is null ? null : Path.GetFullPath(data), samples.Seed, samples.MaxUsers);
            var exportOptions = new ExportOptions { Half = parse.GetValue(half) };
            var run = TrainAndWrite(splits, modelOptions, trainOptions, directory, modelOptions.Name, reference, exportDirectory is null
                ? null
                : (trained, finished) => ArtifactExporter.Export(trained, splits, finished, exportDirectory, exportOptions, Console.Error.WriteLine));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run.Model} on {run.Dataset} (seed {run.Seed}): test AUC {run.TestAuc:F4}, test logloss {run.TestLogloss:F4}, best epoch {run.BestEpoch}/{run.EpochsRun}, {run.SamplesPerSecond:N0} samples/s → {Path.GetFullPath(directory)}"));
            return 0;
        });
        return command;
    }

    /// <summary>The folder inside a run folder that holds its state after each epoch until the run is written.</summary>
    public const string ResumeFolderName = "resume";

    /// <summary>Trains with a console progress display and writes the run folder; with <see cref="TrainOptions.Resume"/>, a run
    /// interrupted before it was written continues from its last finished epoch when trained again into the same folder
    /// (<see cref="EpochCheckpoint"/>).</summary>
    /// <param name="splits">The dataset.</param>
    /// <param name="modelOptions">The architecture.</param>
    /// <param name="trainOptions">Optimisation options.</param>
    /// <param name="directory">Run folder.</param>
    /// <param name="label">Progress label.</param>
    /// <param name="dataset">Written as dataset.json so that the checkpoint can be exported later.</param>
    /// <param name="afterTraining">Runs on the best-epoch model before it is released (export).</param>
    /// <param name="extraObserver">Also receives the training progress (validation curves).</param>
    public static TrainRun TrainAndWrite(
        SampleSplits splits, ModelOptions modelOptions, TrainOptions trainOptions, string directory, string label,
        DatasetReference? dataset = null, Action<RankingModel, TrainRun>? afterTraining = null, ITrainingObserver? extraObserver = null)
    {
        var observer = new ConsoleTrainingObserver(label);
        // With --resume, after every epoch the loop's state goes to DIR/resume, so an interrupted run continues from its
        // last epoch. Not with an extra observer: what it gathered (validation curves) is not part of that state.
        var resume = trainOptions.Resume && extraObserver is null ? Path.Combine(directory, ResumeFolderName) : null;
        return observer.Run(o =>
        {
            ITrainingObserver both = extraObserver is null ? o : new CompositeTrainingObserver(o, extraObserver);
            var (run, trained, testLogits) = Trainer.Train(splits, modelOptions, trainOptions with { ResumeFolder = resume }, both);
            using (trained)
            {
                RunWriter.Write(directory, run, trained, splits, testLogits, o.Steps, dataset);
                afterTraining?.Invoke(trained, run);
            }

            if (resume is not null && Directory.Exists(resume))
            {
                Directory.Delete(resume, recursive: true); // the run is whole: metrics.json marks it
            }

            return run;
        });
    }
}
