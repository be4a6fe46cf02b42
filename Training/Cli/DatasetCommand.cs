using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FitCluster.Training.Data;
using FitCluster.Training.Data.Schema;

namespace FitCluster.Training.Cli;

/// <summary><c>fit dataset check|generate</c>: the data-check report of a schema's dataset, and a generated log for scale checks.</summary>
public static class DatasetCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("dataset", "Check a dataset schema and its data, or generate a large log to check loading at scale");
        command.Add(Check());
        command.Add(Generate());
        return command;
    }

    private static Command Check()
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset schema file (SCHEMA.json)", Required = true };
        var data = new Option<string?>("--data") { Description = "Where the schema's file names resolve (default: the schema's folder)" };
        var cache = new Option<string?>("--cache") { Description = "Cache folder (default DATA/.fitcache)" };
        var samples = new Option<bool>("--samples") { Description = "Also build the train / validation / test samples and count them" };
        var command = new Command("check", "Load a dataset through its schema: progress, the data-check report, load time and peak memory")
        {
            dataset, data, cache, samples,
        };
        command.SetAction(parse =>
        {
            var watch = Stopwatch.StartNew();
            var loaded = SchemaDatasetLoader.Load(parse.GetRequiredValue(dataset), parse.GetValue(data), new InlineProgress<string>(Console.Error.WriteLine), parse.GetValue(cache));
            var loadSeconds = watch.Elapsed.TotalSeconds;
            var log = loaded.Log;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{log.Name}: {log.UserCount:N0} users, {log.ItemVocabSize - 1:N0} items, {log.BehaviourItems.Length:N0} behaviours loaded in {loadSeconds:F1} s; peak working set {Environment.WorkingSet / 1048576.0:N0} MiB now, {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:N0} MiB peak");
            if (parse.GetValue(samples))
            {
                var splits = loaded.Split(new SampleBuilderOptions());
                line += string.Create(CultureInfo.InvariantCulture, $"; samples {splits.Train.Count:N0} train, {splits.Validation.Count:N0} validation, {splits.Test.Count:N0} test");
            }

            Console.WriteLine(line);
            return 0;
        });
        return command;
    }

    private static Command Generate()
    {
        var output = new Option<string>("--out") { Description = "Folder for the files and schema.json", Required = true };
        var behaviours = new Option<long>("--behaviours") { Description = "Rows of the behaviour log", DefaultValueFactory = _ => 20_000_000 };
        var users = new Option<long>("--users") { Description = "Distinct users", DefaultValueFactory = _ => 200_000 };
        var items = new Option<long>("--items") { Description = "Distinct items", DefaultValueFactory = _ => 100_000 };
        var format = new Option<string>("--format") { Description = "parquet or csv (gzip)", DefaultValueFactory = _ => "parquet" };
        var command = new Command("generate", "Write a generated behaviour log (not real data) with user and item tables and its schema.json")
        {
            output, behaviours, users, items, format,
        };
        command.SetAction(parse =>
        {
            var watch = Stopwatch.StartNew();
            var schema = GeneratedLog.Write(parse.GetRequiredValue(output), parse.GetValue(behaviours), parse.GetValue(users), parse.GetValue(items), parse.GetRequiredValue(format));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{parse.GetValue(behaviours):N0} behaviours written in {watch.Elapsed.TotalSeconds:F1} s → {schema}"));
            return 0;
        });
        return command;
    }
}
