using FitCluster.Model.Tests;
using HdrHistogram;

namespace FitCluster.LoadTest.Tests;

public sealed class MarkdownReportTests
{
    [Fact]
    public void FromMicroseconds_OneToAThousand_GivesExactPercentilesInMilliseconds()
    {
        var summary = LatencySummary.FromMicroseconds(Histogram(1, 1000));

        Assert.Equal(new LatencySummary(1000, 0.5, 0.9, 0.99, 0.999, 1.0), summary);
    }

    [Fact]
    public void FromMicroseconds_Empty_IsNaN()
    {
        var summary = LatencySummary.FromMicroseconds(new LongHistogram(1, LoadRecorder.HighestMicroseconds, 3));

        Assert.Equal(0, summary.Count);
        Assert.True(double.IsNaN(summary.P50Ms) && double.IsNaN(summary.MaxMs));
    }

    [Fact]
    public void Row_KnownHistogram_PrintsThePercentileColumns()
    {
        var row = MarkdownReport.Row(Report(LatencySummary.FromMicroseconds(Histogram(1, 1000))));

        Assert.Contains("| 0.50 | 0.90 | 0.99 | 1.00 | 1.00 |", row, StringComparison.Ordinal);
        Assert.StartsWith("| 2026-11-24 10:30 | AMD EPYC, 2 cores | 1 silo | rate 100/s | fit-v1 | 2000 | 10 | 10.0 | 1000 | 99.5 |", row, StringComparison.Ordinal);
        Assert.EndsWith("| 503: 4, timeout: 1 | 1.000 | 3.25 | 7.50 | 4.50 | 0.12 |\n", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Row_HasAsManyCellsAsTheHeader()
    {
        var header = MarkdownReport.Header().Split('\n').Where(line => line.StartsWith('|')).ToArray();
        var row = MarkdownReport.Row(Report(LatencySummary.FromMicroseconds(Histogram(1, 10))));

        Assert.Equal(2, header.Length);
        Assert.Equal(Cells(header[0]), Cells(row.TrimEnd('\n')));
        Assert.Equal(Cells(header[0]), Cells(header[1]));
    }

    [Fact]
    public void Row_NothingMeasured_PrintsDashes()
    {
        var empty = LatencySummary.FromMicroseconds(new LongHistogram(1, LoadRecorder.HighestMicroseconds, 3));
        var report = Report(empty) with
        {
            Result = new LoadResult(0, 0, 0, double.NaN, empty, [], double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, null, double.NaN),
        };

        Assert.Contains("| rate 100/s | – | 2000 | 10 | 0.0 | 0 | – | – | – | – | – | – | none | – | – | – | – | – |", MarkdownReport.Row(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Row_LabelWithPipe_IsEscaped()
    {
        var report = Report(LatencySummary.FromMicroseconds(Histogram(1, 10))) with { Label = "a|b" };

        Assert.Contains("| a\\|b |", MarkdownReport.Row(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_NoneOrByKindInOrder()
    {
        Assert.Equal("none", MarkdownReport.Errors([]));
        Assert.Equal("503: 4, timeout: 1", MarkdownReport.Errors([new("503", 4), new("timeout", 1)]));
    }

    [Fact]
    public void AppendTo_TwoRuns_WritesTheHeaderOnce()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine(Path.Combine("results", "load.md"));
        var report = Report(LatencySummary.FromMicroseconds(Histogram(1, 1000)));

        MarkdownReport.AppendTo(path, report);
        MarkdownReport.AppendTo(path, report with { Label = "3 silos" });

        var text = File.ReadAllText(path);
        Assert.StartsWith(MarkdownReport.Header(), text, StringComparison.Ordinal);
        Assert.Equal(MarkdownReport.Header() + MarkdownReport.Row(report) + MarkdownReport.Row(report with { Label = "3 silos" }), text);
    }

    private static int Cells(string line) => line.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|');

    private static LongHistogram Histogram(long from, long to)
    {
        var histogram = new LongHistogram(1, LoadRecorder.HighestMicroseconds, 3);
        for (var value = from; value <= to; value++)
        {
            histogram.RecordValue(value);
        }

        return histogram;
    }

    private static LoadReport Report(LatencySummary latency) => new(
        new DateTimeOffset(2026, 11, 24, 10, 30, 0, TimeSpan.Zero),
        "AMD EPYC, 2 cores",
        "1 silo",
        "rate 100/s",
        2000,
        10,
        new LoadResult(10, latency.Count, 5, 99.5, latency, [new("503", 4), new("timeout", 1)], 1.0, 3.25, 7.5, 4.5, 0.12, "fit-v1", 1.0));
}
