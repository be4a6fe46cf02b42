using FitCluster.LoadTest.Scale;

namespace FitCluster.LoadTest.Tests.Scale;

public sealed class ScaleCsvTests
{
    [Fact]
    public void Format_HeaderIsThePromisedColumnsInOrder()
    {
        var header = ScaleCsv.Format([]).Split('\n')[0];

        Assert.Equal("items,silos,candidates,precision,rss_mb_max_silo,rss_mb_total,ready_s,rate_rps,p50_ms,p99_ms,saturation_rps,coverage_min", header);
    }

    [Fact]
    public void Format_RowsInGivenOrder_EachValueInItsColumn_NaNEmpty()
    {
        ScaleRow[] rows =
        [
            new(1_000_000, 3, 10_000, "fp16", 812.25, 2301.5, 41.25, 20, 1.234, 5.6789, 310.44, 1, Failed: 0, Verified: 10, VerifiedEqual: 10, VerifiedNearTies: 0),
            new(100_000, 1, 2_000, "fp32", 300, 300, 12, 12.5, double.NaN, double.NaN, 99.95, double.NaN, Failed: 4, Verified: 0, VerifiedEqual: 0, VerifiedNearTies: 0),
        ];

        var lines = ScaleCsv.Format(rows).Split('\n');

        Assert.Equal("1000000,3,10000,fp16,812.3,2301.5,41.3,20,1.234,5.679,310.4,1", lines[1]);
        Assert.Equal("100000,1,2000,fp32,300.0,300.0,12.0,12.5,,,100.0,", lines[2]);
        Assert.Equal(string.Empty, lines[3]);
        Assert.Equal(4, lines.Length);
        Assert.All(lines[1..3], line => Assert.Equal(ScaleCsv.Columns.Count, line.Split(',').Length));
    }
}
