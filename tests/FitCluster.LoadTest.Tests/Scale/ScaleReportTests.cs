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

    [Fact]
    public void Format_ServerAndClusterMedians_BesideTheClientLatency_DashWhenNotMeasured()
    {
        var measured = Row(10_000_000, 1, 2_000, "fp32", 6000) with { P50Ms = 5.25, P99Ms = 9.5, ServerP50Ms = 2.75, ClusterP50Ms = 2.125 };
        var unmeasured = Row(100_000, 1, 2_000, "fp32", 300);

        var text = ScaleReport.Format(ScaleSettingsTests.Valid(), [measured, unmeasured], [], [], DateTimeOffset.UnixEpoch, "test CPU, 2 cores");

        Assert.Contains("| 5.25 | 9.50 | 2.75 | 2.13 | 100.0 |", text, StringComparison.Ordinal);
        Assert.Contains("| 1.00 | 2.00 | – | – | 100.0 |", text, StringComparison.Ordinal);
        var table = text.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) || l.StartsWith("|---", StringComparison.Ordinal)).Take(4).ToList();
        Assert.Equal(4, table.Count); // header, separator, two rows
        Assert.All(table, l => Assert.Equal(table[0].Count(c => c == '|'), l.Count(c => c == '|')));
    }

    [Fact]
    public void Format_StageMedians_OneRowPerConfigurationThatReportedThem()
    {
        var staged = Row(10_000_000, 1, 10_000, "fp32", 6000) with
        {
            P50Ms = 10.5,
            ServerP50Ms = 8.5,
            ClusterP50Ms = 8.25,
            StageP50Ms = new Dictionary<string, double> { ["resolve_ms"] = 0.5, ["user_tower_ms"] = 0.75, ["scatter_gather_ms"] = 6.875 },
        };
        var plain = Row(100_000, 1, 2_000, "fp32", 300);

        var text = ScaleReport.Format(ScaleSettingsTests.Valid(), [staged, plain], [], [], DateTimeOffset.UnixEpoch, "test CPU, 2 cores");

        Assert.Contains("| 10,000,000 | 1 | 10,000 | fp32 | 0.50 | 0.75 | 6.88 | – | – | 8.25 | 8.50 | 10.50 |", text, StringComparison.Ordinal);
        var section = text[text.IndexOf("## Where the cluster's time went", StringComparison.Ordinal)..];
        Assert.DoesNotContain("| 100,000 |", section.Split("\n## ")[0], StringComparison.Ordinal); // no stages reported: no row
    }

    private static ScaleRow Row(int items, int silos, int candidates, string precision, double rss) =>
        new(items, silos, candidates, precision, rss, rss * silos, 10, 20, 1, 2, 100, 1, 0, 0, 0, 0);
}
