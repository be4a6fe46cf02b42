namespace FitCluster.LoadTest.Tests;

/// <summary><see cref="LoadTestRun.StageLine"/>: the stage medians in request order, whatever order they were stored in.</summary>
public sealed class LoadTestRunTests
{
    private static readonly LatencySummary s_latency = new(10, 1.5, 2.0, 3.0, 3.5, 4.0);

    [Fact]
    public void StageLine_InRequestOrder_ThreeDecimals_AbsentStagesLeftOut()
    {
        var medians = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["merge_ms"] = 0.05,
            ["scatter_gather_ms"] = 1.23456,
            ["resolve_ms"] = 0.1,
        };
        Assert.Equal(
            "[load] stage medians (ms): resolve_ms 0.100, scatter_gather_ms 1.235, merge_ms 0.050",
            LoadTestRun.StageLine(Result(medians)));
    }

    [Fact]
    public void StageLine_NoStages_Null()
    {
        Assert.Null(LoadTestRun.StageLine(Result(null)));
        Assert.Null(LoadTestRun.StageLine(Result(new Dictionary<string, double>())));
    }

    private static LoadResult Result(IReadOnlyDictionary<string, double>? medians) =>
        new(10, 10, 0, 1.0, s_latency, [], 1.0, 1.0, 2.0, 1.2, 0.1, "fit-v1", 1.0, medians);
}
