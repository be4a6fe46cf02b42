using System.Globalization;
using System.Text;
using FitCluster.Training.Evaluation;

namespace FitCluster.Training.Reporting;

/// <summary>
/// Renders results over repeats like the paper's Table 1: mean ± std of AUC and logloss, RelaImpr against a base model
/// (eq. 22), the best value of a column in bold and the second best underlined, and a two-sided Welch t-test of a target
/// model against the best other model (<c>*</c> marks p &lt; 0.05, as in the paper). Optionally the paper's numbers
/// for the dataset sit beside ours.
/// </summary>
public static class ResultsTable
{
    /// <summary>Significance level of the <c>*</c> mark (the paper's p &lt; 0.05).</summary>
    public const double SignificanceLevel = 0.05;

    /// <summary>Renders the Markdown table with its significance note, and a CSV of the plain numbers.</summary>
    /// <param name="dataset">Dataset name, for the paper's column (<see cref="PaperTable1"/>).</param>
    /// <param name="scores">Models in row order; a model without runs is left out.</param>
    /// <param name="relaImprBase">Model whose mean AUC is RelaImpr's base (Table 1: two-tower).</param>
    /// <param name="target">Model tested against the best other model (Table 1: fit).</param>
    /// <param name="withPaper">Whether to add the paper's AUC, logloss and RelaImpr columns.</param>
    public static (string Markdown, string Csv) Render(
        string dataset, IReadOnlyList<ModelScores> scores, string relaImprBase, string target, bool withPaper)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var rows = scores.Where(s => s.Aucs.Count > 0).ToArray();
        var aucMeans = rows.Select(r => Significance.MeanOf([.. r.Aucs])).ToArray();
        var loglossMeans = rows.Select(r => Significance.MeanOf([.. r.Loglosses])).ToArray();
        var baseIndex = Array.FindIndex(rows, r => r.Model == relaImprBase);
        var baseAuc = baseIndex >= 0 ? aucMeans[baseIndex] : double.NaN;
        var test = TargetTest(rows, aucMeans, target);
        var aucMarks = Ranks(aucMeans, higherIsBetter: true);
        var loglossMarks = Ranks(loglossMeans, higherIsBetter: false);
        var paper = rows.Select(r => withPaper ? PaperTable1.Score(dataset, r.Model) : null).ToArray();
        var paperAucMarks = Ranks([.. paper.Select(p => p?.Auc ?? double.NaN)], higherIsBetter: true);
        var paperLoglossMarks = Ranks([.. paper.Select(p => p?.Logloss ?? double.NaN)], higherIsBetter: false);

        var header = new List<string> { "model", "runs", "AUC (mean ± std)", "Logloss (mean ± std)", $"RelaImpr vs {relaImprBase}" };
        var csvHeader = new List<string> { "model", "runs", "auc_mean", "auc_std", "logloss_mean", "logloss_std", "relaimpr_percent" };
        if (withPaper)
        {
            header.AddRange(["paper AUC", "paper Logloss", "paper RelaImpr"]);
            csvHeader.AddRange(["paper_auc", "paper_logloss", "paper_relaimpr_percent"]);
        }

        var markdownRows = new List<IReadOnlyList<string>>();
        var csvRows = new List<IReadOnlyList<string>>();
        for (var i = 0; i < rows.Length; i++)
        {
            var aucStd = StdDev(rows[i].Aucs);
            var loglossStd = StdDev(rows[i].Loglosses);
            var relaImpr = double.IsNaN(baseAuc) || baseAuc == 0.5 ? double.NaN : BinaryMetrics.RelaImpr(aucMeans[i], baseAuc);
            var star = rows[i].Model == target && test is { } t && t.Auc.PValue < SignificanceLevel ? "\\*" : string.Empty;
            var loglossStar = rows[i].Model == target && test is { } u && u.Logloss.PValue < SignificanceLevel ? "\\*" : string.Empty;
            var markdown = new List<string>
            {
                rows[i].Model,
                rows[i].Aucs.Count.ToString(CultureInfo.InvariantCulture),
                Emphasise($"{F4(aucMeans[i])} ± {F4(aucStd)}", aucMarks[i]) + star,
                Emphasise($"{F4(loglossMeans[i])} ± {F4(loglossStd)}", loglossMarks[i]) + loglossStar,
                Percent(relaImpr),
            };
            var csv = new List<string>
            {
                rows[i].Model, rows[i].Aucs.Count.ToString(CultureInfo.InvariantCulture), G(aucMeans[i]), G(aucStd), G(loglossMeans[i]), G(loglossStd), G(relaImpr),
            };
            if (withPaper)
            {
                markdown.AddRange(paper[i] is { } p
                    ? [Emphasise(F4(p.Auc), paperAucMarks[i]), Emphasise(F4(p.Logloss), paperLoglossMarks[i]), Percent(p.RelaImpr)]
                    : ["–", "–", "–"]);
                csv.AddRange(paper[i] is { } q ? [G(q.Auc), G(q.Logloss), G(q.RelaImpr)] : [string.Empty, string.Empty, string.Empty]);
            }

            markdownRows.Add(markdown);
            csvRows.Add(csv);
        }

        var text = new StringBuilder(MarkdownTable.Render(header, markdownRows));
        text.AppendLine();
        text.AppendLine("**Bold**: best; <u>underlined</u>: second best (highest AUC, lowest logloss). "
            + $"RelaImpr = ((AUC − 0.5) / (AUC({relaImprBase}) − 0.5) − 1) × 100% on mean AUCs (FIT, eq. 22).");
        text.AppendLine();
        text.AppendLine(test is { } r
            ? string.Create(CultureInfo.InvariantCulture,
                $"Two-sided Welch t-test, {target} against the best other model ({r.Other}): AUC t = {r.Auc.T:F2}, p = {r.Auc.PValue:G3}; logloss t = {r.Logloss.T:F2}, p = {r.Logloss.PValue:G3}. \\* marks p < {SignificanceLevel}.")
            : $"No t-test of {target} against the best other model: it needs {target} and another model with at least 2 repeats each.");
        return (text.ToString(), MarkdownTable.ToCsv(csvHeader, csvRows));
    }

    /// <summary>0 for the best value, 1 for the second best, −1 otherwise (NaN values are never ranked; ties share a rank).</summary>
    public static int[] Ranks(IReadOnlyList<double> values, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(values);
        var distinct = values.Where(v => !double.IsNaN(v)).Distinct().Order().ToList();
        if (higherIsBetter)
        {
            distinct.Reverse();
        }

        var ranks = new int[values.Count];
        for (var i = 0; i < ranks.Length; i++)
        {
            var rank = double.IsNaN(values[i]) ? -1 : distinct.IndexOf(values[i]);
            ranks[i] = rank is 0 or 1 ? rank : -1;
        }

        return ranks;
    }

    /// <summary>Markdown emphasis for a rank: <c>**x**</c> for 0 (best), <c>&lt;u&gt;x&lt;/u&gt;</c> for 1 (second).</summary>
    public static string Emphasise(string text, int rank) => rank switch
    {
        0 => $"**{text}**",
        1 => $"<u>{text}</u>",
        _ => text,
    };

    private static (string Other, TTestResult Auc, TTestResult Logloss)? TargetTest(ModelScores[] rows, double[] aucMeans, string target)
    {
        var targetIndex = Array.FindIndex(rows, r => r.Model == target);
        var best = -1;
        for (var i = 0; i < rows.Length; i++)
        {
            if (i != targetIndex && rows[i].Aucs.Count > 1 && (best < 0 || aucMeans[i] > aucMeans[best]))
            {
                best = i;
            }
        }

        if (targetIndex < 0 || best < 0 || rows[targetIndex].Aucs.Count < 2)
        {
            return null;
        }

        return (rows[best].Model,
            Significance.WelchTTest([.. rows[targetIndex].Aucs], [.. rows[best].Aucs]),
            Significance.WelchTTest([.. rows[targetIndex].Loglosses], [.. rows[best].Loglosses]));
    }

    private static double StdDev(IReadOnlyList<double> values) => values.Count > 1 ? Significance.SampleStdDev([.. values]) : 0;

    private static string Percent(double value) => double.IsNaN(value) ? "–" : value.ToString("F2", CultureInfo.InvariantCulture) + "%";

    private static string F4(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string G(double value) => double.IsNaN(value) ? string.Empty : value.ToString("G6", CultureInfo.InvariantCulture);
}
