using System.CommandLine;
using System.Globalization;
using System.Text;
using FitCluster.Training.Reporting;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Cli;

/// <summary>
/// <c>fit bench table1</c> (the paper's Table 1: every model over repeats, with the paper's numbers beside ours) and
/// <c>fit bench ablation</c> (FIT and its variants, Figs. 4–5): train every model with seeds 1..R, resuming finished
/// runs, then write summary.md / summary.csv (<see cref="ResultsTable"/>) and bar plots with error bars.
/// </summary>
public static class ModelTableCommand
{
    /// <summary>The models of the paper's Table 1, in its row order.</summary>
    public const string Table1Models = "two-tower,dat,cold,inttower,ranktower,fit";

    /// <summary>FIT and its ablations: components (Fig. 4) and training techniques (Fig. 5).</summary>
    public const string AblationModels = "fit,fit-no-mqm,fit-no-lss,fit-summax,fit-fc,fit-hard-query,fit-soft-no-temperature,fit-no-self-attention";

    /// <summary>The model tested against the best other model.</summary>
    public const string Target = "fit";

    /// <summary>Builds <c>table1</c>.</summary>
    public static Command Table1() => Create(
        "table1", "The paper's Table 1: all models over repeats; AUC, logloss, RelaImpr vs two-tower, t-test of FIT against the best baseline, the paper's numbers beside ours",
        Table1Models, defaultRepeats: 3, relaImprBase: "two-tower", withPaper: true);

    /// <summary>Builds <c>ablation</c>.</summary>
    public static Command Ablation() => Create(
        "ablation", "FIT against its ablations (Fig. 4: w/o MQM, w/o LSS, w SumMax, w FC) and training variants (Fig. 5: hard query, soft query without temperature, without self-attention)",
        AblationModels, defaultRepeats: 1, relaImprBase: Target, withPaper: false);

    /// <summary>Writes summary.md, summary.csv, auc.png and logloss.png for the finished runs and returns the Markdown.</summary>
    public static string Summarise(
        string directory, string experiment, string dataset, IReadOnlyList<string> models, IReadOnlyList<int> seeds, string relaImprBase, bool withPaper)
    {
        var runs = BenchRunner.Collect(directory, models, seeds);
        var scores = runs.Select(m => new ModelScores(m.Model, m.TestAucs, m.TestLoglosses)).ToArray();
        var (table, csv) = ResultsTable.Render(dataset, scores, relaImprBase, Target, withPaper);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {dataset} {experiment}: {string.Join(", ", models)} over seeds {string.Join(", ", seeds)}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Hardware: {BenchCommand.HardwareDescription()}; written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        if (withPaper && PaperTable1.PaperDataset(dataset) is { } paper)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Paper columns: Table 1, {paper} (mean of 10 repeats).");
        }

        var missing = runs.Where(m => m.Runs.Count < seeds.Count).Select(m => $"{m.Model} ({m.Runs.Count}/{seeds.Count})").ToArray();
        if (missing.Length > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Unfinished: {string.Join(", ", missing)}.");
        }

        text.AppendLine();
        text.Append(table);
        text.AppendLine();
        text.Append(ConvergenceTable.Render([.. runs.Select(m => (m.Model, (IReadOnlyList<RunEpochs>)[.. m.Runs.Select(r => Epochs(r.Run))]))]));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "summary.md"), text.ToString());
        File.WriteAllText(Path.Combine(directory, "summary.csv"), csv);
        var shown = scores.Where(s => s.Aucs.Count > 0).ToArray();
        if (shown.Length > 0)
        {
            Bars(Path.Combine(directory, "auc.png"), $"{dataset} {experiment}: test AUC, mean ± std over seeds", "test AUC", shown, s => s.Aucs);
            Bars(Path.Combine(directory, "logloss.png"), $"{dataset} {experiment}: test logloss, mean ± std over seeds", "test logloss", shown, s => s.Loglosses);
        }

        return text.ToString();
    }

    /// <summary>A finished run's epochs against its own cap and patience (as it was trained, whatever this call's options).</summary>
    public static RunEpochs Epochs(TrainRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RunEpochs(run.Seed, run.BestEpoch, run.EpochsRun, run.TrainOptions.Epochs, run.TrainOptions.Patience);
    }

    private static Command Create(string name, string description, string defaultModels, int defaultRepeats, string relaImprBase, bool withPaper)
    {
        var args = new BenchArguments(defaultRepeats);
        var models = new Option<string>("--models") { Description = "Comma-separated models, in table order", DefaultValueFactory = _ => defaultModels };
        var command = new Command(name, description);
        args.AddTo(command);
        command.Add(models);
        command.SetAction(parse =>
        {
            // Every name is checked before anything trains: a typo or a model not in this build fails at once.
            var modelNames = BenchArguments.ParseModels(parse.GetRequiredValue(models), presetsOnly: !parse.GetValue(args.SummariseOnly));
            var seeds = args.Seeds(parse);
            var runner = new BenchRunner(args, parse, name) { Total = modelNames.Length * seeds.Length };
            foreach (var seed in seeds)
            {
                foreach (var model in modelNames)
                {
                    runner.Ensure(BenchRunner.RunName(model, seed), model, seed);
                }
            }

            Console.WriteLine(Summarise(runner.Directory, name, runner.Dataset, modelNames, seeds, relaImprBase, withPaper));
            return 0;
        });
        return command;
    }

    private static void Bars(string path, string title, string yLabel, IReadOnlyList<ModelScores> scores, Func<ModelScores, IReadOnlyList<double>> values)
    {
        var means = scores.Select(s => values(s).Average()).ToArray();
        var errors = scores.Select(s => values(s).Count > 1 ? Evaluation.Significance.SampleStdDev([.. values(s)]) : 0).ToArray();
        Plots.BarsWithErrors(path, title, yLabel, [.. scores.Select(s => s.Model)], means, errors);
    }
}
