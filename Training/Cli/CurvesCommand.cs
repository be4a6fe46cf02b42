using System.CommandLine;
using System.Globalization;
using System.Text;
using FitCluster.Training.Reporting;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Cli;

/// <summary>
/// <c>fit bench curves</c> (FIT, Fig. 5): trains FIT and its training-technique variants while a
/// <see cref="ValidationCurveObserver"/> evaluates validation AUC every K steps on a fixed validation subsample and
/// averages QS (eq. 24) between evaluations; writes each run's curve.csv, then curves.csv, summary.md and two plots.
/// </summary>
public static class CurvesCommand
{
    /// <summary>Fig. 5's models: soft query with decaying τ, hard query, soft query with τ = 1, without self-attention.</summary>
    public const string DefaultModels = "fit,fit-hard-query,fit-soft-no-temperature,fit-no-self-attention";

    /// <summary>File name of a run's curve.</summary>
    public const string CurveFile = "curve.csv";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var args = new BenchArguments(defaultRepeats: 1);
        var models = new Option<string>("--models") { Description = "Comma-separated models", DefaultValueFactory = _ => DefaultModels };
        var every = new Option<int>("--curve-every") { Description = "Steps between two validation evaluations", DefaultValueFactory = _ => 50 };
        var samples = new Option<int>("--curve-samples") { Description = "Validation samples per evaluation (a fixed random subsample)", DefaultValueFactory = _ => 50_000 };
        var command = new Command("curves", "Fig. 5: validation AUC and QS per step of FIT and its training-technique variants");
        args.AddTo(command);
        command.Add(models);
        command.Add(every);
        command.Add(samples);
        command.SetAction(parse =>
        {
            var modelNames = BenchArguments.ParseModels(parse.GetRequiredValue(models));
            var k = parse.GetValue(every);
            var n = parse.GetValue(samples);
            ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, "--curve-every");
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, "--curve-samples");
            var seeds = args.Seeds(parse);
            var runner = new BenchRunner(args, parse, "curves") { Total = modelNames.Length * seeds.Length };
            var dataSeed = parse.GetValue(args.Training.DataSeed);
            var extras = new BenchRunExtras(
                [CurveFile],
                splits => new ValidationCurveObserver(splits, k, n, dataSeed),
                (_, _, directory, observer) => WriteCurve(Path.Combine(directory, CurveFile), ((ValidationCurveObserver)observer!).Points));
            foreach (var seed in seeds)
            {
                foreach (var model in modelNames)
                {
                    runner.Ensure(BenchRunner.RunName(model, seed), model, seed, extras: extras);
                }
            }

            Console.WriteLine(Summarise(runner.Directory, runner.Dataset, modelNames, seeds));
            return 0;
        });
        return command;
    }

    /// <summary>Writes curves.csv, summary.md, curves-auc.png and curves-qs.png from the runs' curves; returns the Markdown.</summary>
    public static string Summarise(string directory, string dataset, IReadOnlyList<string> models, IReadOnlyList<int> seeds)
    {
        var all = new StringBuilder("model,seed,step,val_auc,query_similarity,temperature\n");
        var aucSeries = new List<PlotSeries>();
        var qsSeries = new List<PlotSeries>();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (model, runs) in BenchRunner.Collect(directory, models, seeds))
        {
            foreach (var (run, runDirectory) in runs)
            {
                var path = Path.Combine(runDirectory, CurveFile);
                if (!File.Exists(path))
                {
                    continue;
                }

                var points = ReadCurve(path);
                foreach (var p in points)
                {
                    all.Append(CultureInfo.InvariantCulture, $"{model},{run.Seed},{p.Step},{G(p.ValidationAuc)},{G(p.QuerySimilarity)},{G(p.Temperature)}\n");
                }

                var label = seeds.Count > 1 ? $"{model} s{run.Seed}" : model;
                var steps = points.Select(p => (double)p.Step).ToArray();
                aucSeries.Add(new PlotSeries(label, steps, [.. points.Select(p => p.ValidationAuc)]));
                if (points.Any(p => p.QuerySimilarity is not null))
                {
                    qsSeries.Add(new PlotSeries(label, steps, [.. points.Select(p => p.QuerySimilarity ?? double.NaN)]));
                }

                rows.Add([label, points.Count.ToString(CultureInfo.InvariantCulture),
                    points.Count > 0 ? F(points[^1].ValidationAuc) : "–", points.Count > 0 ? F(points.Max(p => p.ValidationAuc)) : "–",
                    points.Count > 0 && points[^1].QuerySimilarity is { } qs ? F(qs) : "–", F(run.TestAuc)]);
            }
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {dataset}: validation curves of {string.Join(", ", models)} (seeds {string.Join(", ", seeds)})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Hardware: {BenchCommand.HardwareDescription()}; written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        text.AppendLine();
        text.AppendLine(MarkdownTable.Render(["model", "points", "last val AUC", "best val AUC", "last QS", "test AUC"], rows));
        text.AppendLine("Validation AUC on a fixed random subsample of validation, eval mode (hard query), every K steps; QS (eq. 24) is the "
            + "mean over the steps since the previous point. Curves of finished runs keep the cadence they were trained with.");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "summary.md"), text.ToString());
        File.WriteAllText(Path.Combine(directory, "curves.csv"), all.ToString());
        if (aucSeries.Count > 0)
        {
            Plots.Lines(Path.Combine(directory, "curves-auc.png"), $"{dataset}: validation AUC per step (Fig. 5)", "training step", "validation AUC", aucSeries);
        }

        if (qsSeries.Count > 0)
        {
            Plots.Lines(Path.Combine(directory, "curves-qs.png"), $"{dataset}: query similarity QS per step (Fig. 5, eq. 24)", "training step", "QS", qsSeries);
        }

        return text.ToString();
    }

    /// <summary>Writes a curve as CSV: step, val_auc, query_similarity (empty without a soft query), temperature.</summary>
    public static void WriteCurve(string path, IReadOnlyList<CurvePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var text = new StringBuilder("step,val_auc,query_similarity,temperature\n");
        foreach (var p in points)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.Step},{G(p.ValidationAuc)},{G(p.QuerySimilarity)},{G(p.Temperature)}\n");
        }

        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a curve written by <see cref="WriteCurve"/>.</summary>
    public static IReadOnlyList<CurvePoint> ReadCurve(string path)
    {
        var points = new List<CurvePoint>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var parts = line.Split(',');
            points.Add(new CurvePoint(
                long.Parse(parts[0], CultureInfo.InvariantCulture),
                double.Parse(parts[1], CultureInfo.InvariantCulture),
                parts[2].Length == 0 ? null : double.Parse(parts[2], CultureInfo.InvariantCulture),
                double.Parse(parts[3], CultureInfo.InvariantCulture)));
        }

        return points;
    }

    private static string G(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string G(double? value) => value is { } v ? G(v) : string.Empty;

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
