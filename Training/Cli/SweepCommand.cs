using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FitCluster.Model.Artifacts;
using FitCluster.Training.Evaluation;
using FitCluster.Training.Export;
using FitCluster.Training.Models;
using FitCluster.Training.Reporting;

namespace FitCluster.Training.Cli;

/// <summary>
/// <c>fit bench sweep --param meta-size|heads --values …</c> (FIT, Figs. 7–8): trains FIT once per value and seed,
/// exports each trained model as an artifact and times in-process ranking with the C# ranker, then writes the AUC and
/// latency per value as summary.md / summary.csv and a two-axis plot.
/// </summary>
public static class SweepCommand
{
    /// <summary>Parameters that can be swept.</summary>
    public static IReadOnlyList<string> Parameters { get; } = ["meta-size", "heads"];

    private const string ArtifactFolder = "artifact";
    private const string LatencyFile = "latency.json";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var args = new BenchArguments(defaultRepeats: 1);
        var param = new Option<string>("--param") { Description = $"Parameter to sweep: {string.Join(" or ", Parameters)}", Required = true };
        var values = new Option<string>("--values") { Description = "Comma-separated values, e.g. 16,32,64,128,256,512 (meta-size) or 1,2,4,8 (heads)", Required = true };
        var model = new Option<string>("--model") { Description = "FIT model or variant to sweep", DefaultValueFactory = _ => "fit" };
        var candidates = new Option<int>("--candidates") { Description = "Candidates per timed request (fewer if the dataset has fewer items)", DefaultValueFactory = _ => LatencyProbe.DefaultCandidates };
        var requests = new Option<int>("--latency-requests") { Description = "Timed requests per model, after a warm-up of at least 50 requests and 2 s", DefaultValueFactory = _ => 300 };
        var command = new Command("sweep", "AUC and in-process ranking latency of FIT per value of --meta-size (Fig. 7) or --heads (Fig. 8)");
        args.AddTo(command);
        command.Add(param);
        command.Add(values);
        command.Add(model);
        command.Add(candidates);
        command.Add(requests);
        command.SetAction(parse =>
        {
            var name = ParseParameter(parse.GetRequiredValue(param));
            var list = ParseValues(name, parse.GetRequiredValue(values));
            var modelName = BenchArguments.ParseModels(parse.GetRequiredValue(model)).Single();
            if (ModelOptions.Preset(modelName).Kind != ModelKind.Fit)
            {
                throw new ArgumentException($"--model {modelName}: the sweep varies FIT's meta size and heads; choose a FIT model.");
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(parse.GetValue(candidates), 1, "--candidates");
            ArgumentOutOfRangeException.ThrowIfLessThan(parse.GetValue(requests), 1, "--latency-requests");
            var seeds = args.Seeds(parse);
            var runner = new BenchRunner(args, parse, $"sweep-{name}") { Total = list.Length * seeds.Length };
            var extras = new BenchRunExtras(
                [Path.Combine(ArtifactFolder, ModelManifest.FileName)],
                AfterTraining: (trained, run, directory, _) =>
                    ArtifactExporter.Export(trained, runner.Splits, run, Path.Combine(directory, ArtifactFolder), new ExportOptions(), Console.Error.WriteLine));
            foreach (var seed in seeds)
            {
                foreach (var value in list)
                {
                    var runName = RunName(modelName, name, value, seed);
                    if (runner.Ensure(runName, modelName, seed, o => With(o, name, value), extras) is not null)
                    {
                        EnsureLatency(runner.RunDirectory(runName), parse.GetValue(candidates), parse.GetValue(requests));
                    }
                }
            }

            Console.WriteLine(Summarise(runner.Directory, runner.Dataset, modelName, name, list, seeds));
            return 0;
        });
        return command;
    }

    /// <summary>Checks <c>--param</c>.</summary>
    /// <exception cref="ArgumentException">Not a parameter that can be swept.</exception>
    public static string ParseParameter(string value) => Parameters.Contains(value)
        ? value
        : throw new ArgumentException($"--param must be one of {string.Join(", ", Parameters)}; got '{value}'.");

    /// <summary>Checks <c>--values</c> for <paramref name="parameter"/>: distinct positive integers (meta size ≤ 65,535: query indices are 16-bit).</summary>
    /// <exception cref="ArgumentException">A value is missing, not an integer, not positive, repeated or out of range.</exception>
    public static int[] ParseValues(string parameter, string values)
    {
        var list = BenchArguments.ParseIntegers("--values", values, 1);
        if (parameter == "meta-size" && list.Max() > ushort.MaxValue)
        {
            throw new ArgumentException($"--values: a meta size of {list.Max()} exceeds {ushort.MaxValue} (serving stores the query index in 16 bits).");
        }

        return list;
    }

    /// <summary>Writes summary.md, summary.csv and sweep.png for the finished runs and returns the Markdown.</summary>
    public static string Summarise(string directory, string dataset, string model, string parameter, IReadOnlyList<int> values, IReadOnlyList<int> seeds)
    {
        var header = new[] { parameter, "runs", "test AUC (mean ± std)", "test logloss", "parameters", "bytes per item", "candidates", "median latency ms", "p99 latency ms" };
        var csvHeader = new[] { parameter, "runs", "auc_mean", "auc_std", "logloss_mean", "parameters", "item_bytes", "candidates", "latency_median_ms", "latency_p99_ms" };
        var rows = new List<IReadOnlyList<string>>();
        var csvRows = new List<IReadOnlyList<string>>();
        var x = new List<double>();
        var aucs = new List<double>();
        var latencies = new List<double>();
        foreach (var value in values)
        {
            var runs = new List<(Runs.TrainRun Run, RankLatency? Latency)>();
            foreach (var seed in seeds)
            {
                var runDirectory = Path.Combine(directory, "runs", RunName(model, parameter, value, seed));
                if (RunWriter.TryRead(runDirectory) is { } run)
                {
                    runs.Add((run, ReadLatency(runDirectory)));
                }
            }

            if (runs.Count == 0)
            {
                continue;
            }

            var auc = runs.Select(r => r.Run.TestAuc).ToArray();
            var mean = auc.Average();
            var std = auc.Length > 1 ? Significance.SampleStdDev(auc) : 0;
            var timed = runs.Where(r => r.Latency is not null).Select(r => r.Latency!).ToArray();
            var median = timed.Length > 0 ? timed.Average(l => l.MedianMs) : double.NaN;
            var p99 = timed.Length > 0 ? timed.Average(l => l.P99Ms) : double.NaN;
            var itemBytes = timed.Length > 0 ? timed[0].ItemBytes.ToString(CultureInfo.InvariantCulture) : "–";
            var count = timed.Length > 0 ? timed[0].Candidates.ToString(CultureInfo.InvariantCulture) : "–";
            var v = value.ToString(CultureInfo.InvariantCulture);
            rows.Add([v, runs.Count.ToString(CultureInfo.InvariantCulture), $"{F(mean, "F4")} ± {F(std, "F4")}", F(runs.Average(r => r.Run.TestLogloss), "F4"),
                runs[0].Run.Parameters.ToString("N0", CultureInfo.InvariantCulture), itemBytes, count, F(median, "F3"), F(p99, "F3")]);
            csvRows.Add([v, runs.Count.ToString(CultureInfo.InvariantCulture), F(mean, "G6"), F(std, "G6"), F(runs.Average(r => r.Run.TestLogloss), "G6"),
                runs[0].Run.Parameters.ToString(CultureInfo.InvariantCulture), itemBytes, count, F(median, "G6"), F(p99, "G6")]);
            x.Add(value);
            aucs.Add(mean);
            latencies.Add(median);
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {dataset}: {model} swept over {parameter} = {string.Join(", ", values)} (seeds {string.Join(", ", seeds)})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Hardware: {BenchCommand.HardwareDescription()}; written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        text.AppendLine();
        text.AppendLine(MarkdownTable.Render(header, rows));
        text.AppendLine("Latency: each run's exported artifact ranked in-process by the C# ranker (native user tower, 1 thread): "
            + $"the golden users in turn, the same random candidates, top-{LatencyProbe.TopK}; a warm-up of ≥ 50 requests and ≥ 2 s, then the timed ones "
            + "(wall time of Ranker.Rank: resolve ids, user tower, scoring, top-k). Mean over seeds of each run's median / p99.");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "summary.md"), text.ToString());
        File.WriteAllText(Path.Combine(directory, "summary.csv"), MarkdownTable.ToCsv(csvHeader, csvRows));
        if (x.Count > 0)
        {
            // Log2 positions: the swept values double (16..512, 1..8), as on the paper's axes.
            var positions = x.Select(Math.Log2).ToArray();
            Plots.TwoAxisLines(
                Path.Combine(directory, "sweep.png"), $"{dataset}: {model}, AUC and latency per {parameter}", $"{parameter} (log scale)",
                new PlotSeries("test AUC", positions, [.. aucs]), "test AUC",
                new PlotSeries("median latency (ms)", positions, [.. latencies]), "median latency per request (ms)",
                [.. x.Select(v => v.ToString(CultureInfo.InvariantCulture))]);
        }

        return text.ToString();
    }

    private static ModelOptions With(ModelOptions options, string parameter, int value) => parameter == "meta-size"
        ? options with { MetaSize = value }
        : options with { UserHeads = value, ItemHeads = value };

    private static string RunName(string model, string parameter, int value, int seed) => BenchRunner.RunName($"{model}-{parameter}-{value}", seed);

    private static void EnsureLatency(string runDirectory, int candidates, int requests)
    {
        var path = Path.Combine(runDirectory, LatencyFile);
        if (File.Exists(path))
        {
            return;
        }

        Console.Error.WriteLine($"[bench] {Path.GetFileName(runDirectory)}: timing {requests} ranking requests");
        var latency = LatencyProbe.Measure(Path.Combine(runDirectory, ArtifactFolder), candidates, requests);
        File.WriteAllText(path, JsonSerializer.Serialize(latency, RunWriter.Json));
    }

    private static RankLatency? ReadLatency(string runDirectory)
    {
        var path = Path.Combine(runDirectory, LatencyFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<RankLatency>(File.ReadAllText(path), RunWriter.Json) : null;
    }

    private static string F(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);
}
