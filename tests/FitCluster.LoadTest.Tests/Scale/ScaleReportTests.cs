using FitCluster.LoadTest.Scale;

namespace FitCluster.LoadTest.Tests.Scale;

public sealed class ScaleReportTests
{
    [Fact]
    public void RssRatios_LargestSiloAgainstOneSilo_PerCatalog()
    {
        ScaleRow[] rows =
        [
            Row(1_000_000, 1, 2_000, "fp32", 1000),
            Row(1_000_000, 1, 10_000, "fp32", 1200),  // the catalog's one-silo figure: the most over candidate counts
            Row(1_000_000, 3, 2_000, "fp32", 420),
            Row(1_000_000, 3, 10_000, "fp32", 480),
            Row(1_000_000, 3, 2_000, "fp16", 300),   // no one-silo row for fp16: no ratio
            Row(100_000, 1, 2_000, "fp32", 200),
            Row(100_000, 2, 2_000, "fp32", 150),
        ];

        var ratios = ScaleReport.RssRatios(rows);

        Assert.Equal([(100_000, "fp32", 2, 0.75), (1_000_000, "fp32", 3, 0.4)], ratios);
    }

    [Fact]
    public void Format_TableRowPerConfiguration_AndFailuresListed()
    {
        var text = ScaleReport.Format(ScaleSettingsTests.Valid(), [Row(100_000, 1, 2_000, "fp32", 321)], ["10,000,000 items fp32, 1 silo(s): out of memory"], [], DateTimeOffset.UnixEpoch, "test CPU, 2 cores");

        Assert.Contains("| 100,000 | 1 | 2,000 | fp32 | 321 |", text, StringComparison.Ordinal);
        Assert.Contains("- 10,000,000 items fp32, 1 silo(s): out of memory", text, StringComparison.Ordinal);
        Assert.Contains("1970-01-01 00:00 UTC, test CPU, 2 cores", text, StringComparison.Ordinal);
    }

    private static ScaleRow Row(int items, int silos, int candidates, string precision, double rss) =>
        new(items, silos, candidates, precision, rss, rss * silos, 10, 20, 1, 2, 100, 1, 0, 0, 0, 0);
}
