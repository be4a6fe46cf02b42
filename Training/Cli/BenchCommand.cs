using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using FitCluster.Training.Data;
using FitCluster.Training.Evaluation;
using FitCluster.Training.Reporting;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Cli;

/// <summary>
/// <c>fit bench</c>: experiments that train many runs through <see cref="BenchRunner"/> (resuming finished runs) and write
/// Markdown + CSV tables and plots beside the hardware they ran on. <c>compare</c> lives here; <c>table1</c> and
/// <c>ablation</c> in <see cref="ModelTableCommand"/>, then <see cref="SweepCommand"/>, <see cref="CurvesCommand"/> and
/// <see cref="TsneCommand"/>.
/// </summary>
public static class BenchCommand
{
    /// <summary>The paper's ML-1M FIT AUC (Table 1): the absolute aim.</summary>
    public const double PaperFitAucMl1m = 0.9225;

    /// <summary>The paper's ML-1M Two-Tower AUC (Table 1).</summary>
    public const double PaperTwoTowerAucMl1m = 0.8695;

    private const int BootstrapResamples = 2000;

    /// <summary>Builds <c>bench</c> with its sub-commands: compare, table1, ablation, sweep, curves, tsne.</summary>
    public static Command Create()
    {
        var bench = new Command("bench", "Long, full-data experiments with results written under bench/results/<hardware>/");
        bench.Add(CreateCompare());
        bench.Add(ModelTableCommand.Table1());
        bench.Add(ModelTableCommand.Ablation());
        bench.Add(SweepCommand.Create());
        bench.Add(CurvesCommand.Create());
        bench.Add(TsneCommand.Create());
        return bench;
    }

    private static Command CreateCompare()
    {
        var args = new BenchArguments(defaultRepeats: 3);
        var models = new Option<string>("--models") { Description = "Comma-separated models; the first is the baseline", DefaultValueFactory = _ => "two-tower,fit,din-target" };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated training seeds", DefaultValueFactory = _ => "1,2,3" };
        var compare = new Command("compare", "Train every model with every seed, then write summary.md/.csv, significance tests and plots");
        args.AddTo(compare, withRepeats: false);
        compare.Add(models);
        compare.Add(seeds);
        compare.SetAction(parse =>
        {
            var runner = new BenchRunner(args, parse, "compare");
            var modelNames = BenchArguments.ParseModels(parse.GetRequiredValue(models), presetsOnly: !runner.SummariseOnly);
            var seedList = BenchArguments.ParseIntegers("--seeds", parse.GetRequiredValue(seeds), int.MinValue);
            runner.Total = modelNames.Length * seedList.Length;
            foreach (var seed in seedList)
            {
                foreach (var model in modelNames)
                {
                    runner.Ensure(BenchRunner.RunName(model, seed), model, seed);
                }
            }

            Console.WriteLine(Summarise(runner.Directory, runner.Dataset, modelNames, seedList));
            return 0;
        });
        return compare;
    }

    /// <summary>Writes summary.md, summary.csv, auc.png and curves.png for finished runs and returns the Markdown.</summary>
    public static string Summarise(string directory, string dataset, IReadOnlyList<string> models, IReadOnlyList<int> seeds)
    {
        var runs = BenchRunner.Collect(directory, models, seeds).ToDictionary(m => m.Model, m => m.Runs);

        var baseline = models[0];
        var baseAucs = runs[baseline].Select(r => r.Run.TestAuc).ToArray();
        var baseMean = baseAucs.Length > 0 ? baseAucs.Average() : double.NaN;
        var header = new[] { "model", "runs", "test AUC (mean ± std)", "test logloss", $"RelaImpr vs {baseline}", "val AUC", "best epochs", "samples/s", "epoch s", $"Welch p vs {baseline}", "paired bootstrap p per seed" };
        var rows = new List<IReadOnlyList<string>>();
        var labels = new List<string>();
        var means = new List<double>();
        var errors = new List<double>();
        foreach (var model in models)
        {
            var list = runs[model];
            if (list.Count == 0)
            {
                continue;
            }

            var aucs = list.Select(r => r.Run.TestAuc).ToArray();
            var mean = aucs.Average();
            var std = aucs.Length > 1 ? Significance.SampleStdDev(aucs) : 0;
            var welch = model != baseline && aucs.Length > 1 && baseAucs.Length > 1 ? Significance.WelchTTest(aucs, baseAucs).PValue : double.NaN;
            rows.Add([
                model,
                list.Count.ToString(CultureInfo.InvariantCulture),
                $"{F(mean)} ± {F(std)}",
                F(list.Average(r => r.Run.TestLogloss)),
                double.IsNaN(baseMean) ? "–" : $"{BinaryMetrics.RelaImpr(mean, baseMean).ToString("F2", CultureInfo.InvariantCulture)}%",
                F(list.Average(r => r.Run.ValAuc)),
                string.Join(' ', list.Select(r => $"{r.Run.BestEpoch}/{r.Run.EpochsRun}")),
                list.Average(r => r.Run.SamplesPerSecond).ToString("N0", CultureInfo.InvariantCulture),
                list.Average(r => r.Run.EpochSeconds).ToString("F1", CultureInfo.InvariantCulture),
                double.IsNaN(welch) ? "–" : welch.ToString("G3", CultureInfo.InvariantCulture),
                model == baseline ? "–" : PairedBootstraps(runs[baseline], list),
            ]);
            labels.Add(model);
            means.Add(mean);
            errors.Add(std);
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {dataset}: {string.Join(", ", models)} over seeds {string.Join(", ", seeds)}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Hardware: {HardwareDescription()}; finished {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        text.AppendLine();
        text.AppendLine(MarkdownTable.Render(header, rows));
        text.AppendLine("Welch p: two-sided Welch t-test over seeds of test AUC against the baseline. Paired bootstrap p: per seed, "
            + $"{BootstrapResamples} resamples of test users, AUC(model) − AUC(baseline) on the same users.");
        if (runs.TryGetValue("din-target", out var upper) && upper.Count > 0 && baseAucs.Length > 0)
        {
            var upperMean = upper.Average(r => r.Run.TestAuc);
            text.AppendLine();
            foreach (var model in models.Where(m => m != baseline && m != "din-target" && runs.TryGetValue(m, out var r) && r.Count > 0))
            {
                var mean = runs[model].Average(r => r.Run.TestAuc);
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"Gap captured by {model}: ({model} − {baseline}) / (din-target − {baseline}) = {F(mean - baseMean)} / {F(upperMean - baseMean)} = {((mean - baseMean) / (upperMean - baseMean)).ToString("P0", CultureInfo.InvariantCulture)}.");
            }

            if (dataset == "ml-1m" && runs.TryGetValue("fit", out var fit) && fit.Count > 0)
            {
                var fitMean = fit.Average(r => r.Run.TestAuc);
                text.AppendLine();
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"Paper (Table 1, ML-1M): Two-Tower {PaperTwoTowerAucMl1m}, FIT {PaperFitAucMl1m}; ours: {baseline} {F(baseMean)}, FIT {F(fitMean)} ({F(fitMean - PaperFitAucMl1m)} from the paper's FIT).");
            }
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "summary.md"), text.ToString());
        File.WriteAllText(Path.Combine(directory, "summary.csv"), MarkdownTable.ToCsv(header, rows));
        if (labels.Count > 0)
        {
            Plots.BarsWithErrors(Path.Combine(directory, "auc.png"), $"{dataset}: test AUC, mean ± std over seeds", "test AUC", labels, means, errors);
            var curves = new List<PlotSeries>();
            foreach (var model in labels)
            {
                foreach (var (run, _) in runs[model])
                {
                    curves.Add(new PlotSeries($"{model} s{run.Seed}", [.. run.History.Select(e => (double)e.Epoch)], [.. run.History.Select(e => e.ValidationAuc)]));
                }
            }

            Plots.Lines(Path.Combine(directory, "curves.png"), $"{dataset}: validation AUC per epoch", "epoch", "validation AUC", curves);
        }

        return text.ToString();
    }

    /// <summary>A folder-safe name for this machine: cores, CPU model and OS.</summary>
    public static string HardwareName()
    {
        var cpu = CpuModel().ToLowerInvariant();
        var safe = new string([.. cpu.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        while (safe.Contains("--", StringComparison.Ordinal))
        {
            safe = safe.Replace("--", "-", StringComparison.Ordinal);
        }

        return $"{Environment.ProcessorCount}core-{safe}";
    }

    /// <summary>Human-readable hardware line for result files.</summary>
    public static string HardwareDescription() =>
        $"{CpuModel()}, {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    private static string PairedBootstraps(IReadOnlyList<(TrainRun Run, string Directory)> baseline, IReadOnlyList<(TrainRun Run, string Directory)> model)
    {
        var parts = new List<string>();
        foreach (var (run, runDirectory) in model)
        {
            var match = baseline.FirstOrDefault(b => b.Run.Seed == run.Seed);
            if (match.Directory is null)
            {
                continue;
            }

            var (users, labels, logits) = RunWriter.ReadPredictions(runDirectory);
            var (_, _, baseLogits) = RunWriter.ReadPredictions(match.Directory);
            var result = Significance.PairedBootstrapAucDifference(labels, users, logits, baseLogits, BootstrapResamples, run.Seed);
            parts.Add($"s{run.Seed}: Δ{result.Observed.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture)} p={result.PValue.ToString("G2", CultureInfo.InvariantCulture)}");
        }

        return string.Join("; ", parts);
    }

    private static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
