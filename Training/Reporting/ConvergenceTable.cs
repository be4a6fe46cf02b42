using System.Globalization;
using System.Text;

namespace FitCluster.Training.Reporting;

/// <summary>One finished run's epochs: the best (its weights are the ones tested), how many ran, and the run's limits.</summary>
/// <param name="Seed">Training seed.</param>
/// <param name="BestEpoch">1-based epoch with the best validation AUC.</param>
/// <param name="EpochsRun">Epochs trained (fewer than <paramref name="Cap"/> when early stopping ended the run).</param>
/// <param name="Cap">The run's epoch limit (<c>--epochs</c>).</param>
/// <param name="Patience">Early-stopping patience (0: none).</param>
public sealed record RunEpochs(int Seed, int BestEpoch, int EpochsRun, int Cap, int Patience)
{
    /// <summary>Whether the best epoch is the last one the cap allowed: more epochs might have been better still.</summary>
    public bool BestAtCap => BestEpoch >= Cap;

    /// <summary>Whether early stopping ended the run before its cap.</summary>
    public bool StoppedEarly => EpochsRun < Cap;
}

/// <summary>
/// Says whether a table's models were trained to convergence: per model and seed the best epoch against the epochs
/// run and the cap, and every run whose best epoch is its cap named (a model compared at its cap may be under-trained,
/// and the comparison then ranks training speed as much as the model).
/// </summary>
public static class ConvergenceTable
{
    /// <summary>Renders the Markdown section: a table (model, best / run per seed, cap, patience, runs stopped early) and a verdict.</summary>
    /// <param name="models">Models in row order with their finished runs; a model without runs is left out.</param>
    public static string Render(IReadOnlyList<(string Model, IReadOnlyList<RunEpochs> Runs)> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var shown = models.Where(m => m.Runs.Count > 0).ToArray();
        var text = new StringBuilder();
        text.AppendLine("## Convergence");
        text.AppendLine();
        if (shown.Length == 0)
        {
            text.AppendLine("No finished runs.");
            return text.ToString();
        }

        var rows = shown.Select(m =>
        {
            var runs = m.Runs.OrderBy(r => r.Seed).ToArray();
            return (IReadOnlyList<string>)
            [
                m.Model,
                string.Join(" · ", runs.Select(r => $"s{r.Seed}: {r.BestEpoch}/{r.EpochsRun}{(r.BestAtCap ? " **(cap)**" : string.Empty)}")),
                Distinct(runs.Select(r => r.Cap)),
                Distinct(runs.Select(r => r.Patience)),
                $"{runs.Count(r => r.StoppedEarly)}/{runs.Length}",
            ];
        }).ToArray();
        text.AppendLine(MarkdownTable.Render(["model", "best epoch / epochs run, per seed", "epoch cap", "patience", "stopped early"], rows));

        var atCap = shown.SelectMany(m => m.Runs.Where(r => r.BestAtCap).OrderBy(r => r.Seed).Select(r => $"{m.Model} seed {r.Seed} (best epoch {r.BestEpoch}, cap {r.Cap})")).ToArray();
        var total = shown.Sum(m => m.Runs.Count);
        text.AppendLine(atCap.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"Converged: in all {total} runs the best epoch is below the cap.")
            : string.Create(CultureInfo.InvariantCulture, $"**Not converged**: {atCap.Length} of {total} runs have their best epoch at the cap: {string.Join("; ", atCap)}. Raise `--epochs` (with `--patience`) and re-run them."));
        return text.ToString();
    }

    private static string Distinct(IEnumerable<int> values) =>
        string.Join(", ", values.Distinct().Order().Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
