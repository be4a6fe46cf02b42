using FitCluster.Training.Reporting;

namespace FitCluster.Training.Tests.Reporting;

public sealed class ResultsTableTests
{
    [Fact]
    public void Render_HandMadeScores_BoldsBestUnderlinesSecondAndFormatsRelaImpr()
    {
        ModelScores[] scores =
        [
            new("two-tower", [0.8600, 0.8700, 0.8800], [0.45, 0.46, 0.47]),    // mean AUC 0.87, logloss 0.46
            new("ranktower", [0.9050, 0.9100, 0.9150], [0.40, 0.40, 0.40]),    // 0.91 (second), 0.40 (second)
            new("fit", [0.9300, 0.9310, 0.9320], [0.375, 0.38, 0.385]),        // 0.931 (best), 0.38 (best); p < 0.05 vs ranktower
        ];

        var (markdown, csv) = ResultsTable.Render("ml-1m", scores, "two-tower", "fit", withPaper: true);

        // RelaImpr (eq. 22): (0.931 − 0.5) / (0.87 − 0.5) − 1 = 16.49%; (0.91 − 0.5) / 0.37 − 1 = 10.81%.
        // The paper's ML-1M numbers beside ours, ranked among the rows shown.
        Assert.Equal(["fit", "3", "**0.9310 ± 0.0010**\\*", "**0.3800 ± 0.0050**\\*", "16.49%", "**0.9225**", "**0.3766**", "14.34%"], Cells(markdown, "fit"));
        Assert.Equal(["ranktower", "3", "<u>0.9100 ± 0.0050</u>", "<u>0.4000 ± 0.0000</u>", "10.81%", "<u>0.9095</u>", "<u>0.3986</u>", "10.82%"], Cells(markdown, "ranktower"));
        Assert.Equal(["two-tower", "3", "0.8700 ± 0.0100", "0.4600 ± 0.0100", "0.00%", "0.8695", "0.4508", "0.00%"], Cells(markdown, "two-tower"));
        Assert.Contains("fit against the best other model (ranktower)", markdown, StringComparison.Ordinal);
        Assert.Contains("fit,3,0.931,0.001,0.38,0.005,16.4865,0.9225,0.3766,14.34", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("**", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SingleRepeat_SaysNoTestAndLeavesBaseRelaImprEmptyWithoutBase()
    {
        var (markdown, _) = ResultsTable.Render("synthetic", [new("fit", [0.8], [0.4]), new("fit-hard-query", [0.79], [0.41])], "two-tower", "fit", withPaper: true);
        Assert.Contains("No t-test of fit", markdown, StringComparison.Ordinal);
        Assert.Contains("| –", markdown, StringComparison.Ordinal); // no two-tower row: RelaImpr and paper columns empty
        Assert.DoesNotContain("\\*", markdown, StringComparison.Ordinal);
    }

    private static string[] Cells(string markdown, string model) => markdown.Split('\n')
        .Where(line => line.StartsWith('|'))
        .Select(line => line.Split('|', StringSplitOptions.TrimEntries)[1..^1])
        .First(cells => cells.Length > 0 && cells[0] == model);

    [Fact]
    public void Ranks_TiesShareRankAndNaNIsUnranked()
    {
        Assert.Equal([0, 0, 1, -1, -1], ResultsTable.Ranks([0.9, 0.9, 0.8, 0.7, double.NaN], higherIsBetter: true));
        Assert.Equal([1, 0, -1], ResultsTable.Ranks([0.4, 0.3, 0.5], higherIsBetter: false));
    }

    [Fact]
    public void PaperTable1_MapsDatasetNames()
    {
        Assert.Equal(0.9225, PaperTable1.Score("ml-1m", "fit")!.Value.Auc);
        Assert.Equal(0.4797, PaperTable1.Score("amazon-electronics", "ranktower")!.Value.Logloss);
        Assert.Equal(11.47, PaperTable1.Score("amazon-books", "fit")!.Value.RelaImpr);
        Assert.Equal(0.6645, PaperTable1.Score("taobao", "cold")!.Value.Auc);
        Assert.Null(PaperTable1.Score("synthetic", "fit"));
        Assert.Null(PaperTable1.Score("ml-1m", "din-target"));
    }
}
