namespace FitCluster.LoadTest.Tests;

public sealed class LoadRecorderTests
{
    // One tick = one microsecond; the window is [1 s, 3 s).
    private const long TicksPerSecond = 1_000_000;
    private const long WindowStart = 1_000_000;
    private const long WindowEnd = 3_000_000;

    [Fact]
    public void Result_CountsOnlyTheWindow()
    {
        var recorder = new LoadRecorder(WindowStart, WindowEnd, TicksPerSecond);
        recorder.RecordSuccess(500_000, 600_000, Response(1.0, 99, 99));          // warm-up
        recorder.RecordFailure(500_000, "503");                                      // warm-up
        recorder.RecordSuccess(1_000_000, 1_010_000, Response(1.0, 4, 6));          // 10 ms
        recorder.RecordSuccess(2_000_000, 2_030_000, Response(0.5, 8, 10));         // 30 ms
        recorder.RecordSuccess(2_990_000, 3_050_000, Response(1.0, 12, 14));        // 60 ms, answered after the window
        recorder.RecordFailure(1_500_000, "503");
        recorder.RecordFailure(1_600_000, "timeout");
        recorder.RecordFailure(1_700_000, "503");

        var result = recorder.Result();

        Assert.Equal(2.0, result.WindowSeconds);
        Assert.Equal(3, result.Succeeded);
        Assert.Equal(3, result.Failed);
        Assert.Equal(1.0, result.ThroughputPerSecond);  // two answers inside the 2 s window
        Assert.Equal(30.0, result.Latency.P50Ms, 0.05);
        Assert.Equal(60.0, result.Latency.MaxMs, 0.1);
        Assert.Equal([new("503", 2L), new("timeout", 1L)], result.Errors);
        Assert.Equal(2.5 / 3, result.MeanCoverage, 1e-12);
        Assert.Equal(0.5, result.MinCoverage);
        Assert.Equal(8.0, result.ClusterMsP50, 0.01);
        Assert.Equal(12.0, result.ClusterMsP99, 0.01);    // the warm-up's 99 ms is not counted
        Assert.Equal(10.0, result.GatewayMsP50, 0.01);
        Assert.Equal("fit-v1", result.ModelVersion);
        Assert.True(double.IsNaN(result.SendLagP99Ms));
    }

    [Fact]
    public void Result_MinCoverage_CountsEveryAnswerWarmupIncluded()
    {
        var recorder = new LoadRecorder(WindowStart, WindowEnd, TicksPerSecond);
        recorder.RecordSuccess(1_000_000, 1_010_000, Response(0.75, 1, 1));
        recorder.RecordSuccess(500_000, 600_000, Response(0.25, 1, 1));          // warm-up: a partial answer still counts
        recorder.RecordSuccess(2_000_000, 2_030_000, Response(1.0, 1, 1));

        Assert.Equal(0.25, recorder.Result().MinCoverage);
        Assert.True(double.IsNaN(new LoadRecorder(WindowStart, WindowEnd, TicksPerSecond).Result().MinCoverage));
    }

    [Fact]
    public void StopAt_EndsTheWindowEarly()
    {
        var recorder = new LoadRecorder(WindowStart, WindowEnd, TicksPerSecond);
        recorder.RecordSuccess(1_100_000, 1_200_000, Response(1.0, 1, 2));
        recorder.StopAt(2_000_000);
        recorder.RecordSuccess(2_100_000, 2_200_000, Response(1.0, 1, 2));

        var result = recorder.Result();

        Assert.Equal(1.0, result.WindowSeconds);
        Assert.Equal(1, result.Succeeded);
        Assert.False(recorder.IsMeasured(2_000_000));
        Assert.True(recorder.IsMeasured(1_999_999));
    }

    [Fact]
    public void StopAt_DuringWarmup_LeavesAnEmptyWindow()
    {
        var recorder = new LoadRecorder(WindowStart, WindowEnd, TicksPerSecond);
        recorder.StopAt(200_000);

        var result = recorder.Result();

        Assert.Equal(0.0, result.WindowSeconds);
        Assert.Equal(0, result.Succeeded);
        Assert.True(double.IsNaN(result.ThroughputPerSecond) && double.IsNaN(result.Latency.P99Ms));
    }

    [Fact]
    public void RecordSendLag_MeasuredSendsOnly()
    {
        var recorder = new LoadRecorder(WindowStart, WindowEnd, TicksPerSecond);
        recorder.RecordSendLag(500_000, 900_000);      // warm-up: 400 ms late, ignored
        recorder.RecordSendLag(1_000_000, 1_000_250);  // 0.25 ms late
        recorder.RecordSendLag(1_010_000, 1_009_000);  // early counts as on time

        Assert.Equal(0.25, recorder.Result().SendLagP99Ms, 0.001);
    }

    [Fact]
    public void Progress_CountsEverythingSinceTheStart()
    {
        var recorder = new LoadRecorder(WindowStart, WindowEnd, TicksPerSecond);
        for (var i = 0; i < 5; i++)
        {
            recorder.RecordSent();
        }

        recorder.RecordSuccess(100, 200, Response(1.0, 1, 1));
        recorder.RecordFailure(100, "503");
        recorder.RecordAbandoned();

        Assert.Equal(new LoadProgress(5, 1, 1, 2), recorder.Progress());
    }

    [Fact]
    public void Result_StageMedians_PerStage_MeasuredResponsesOnly_AbsentStagesLeftOut()
    {
        var recorder = new LoadRecorder(WindowStart, WindowEnd, TicksPerSecond);
        recorder.RecordSuccess(500_000, 600_000, Staged(90, 91, 92)); // warm-up: not counted
        recorder.RecordSuccess(1_100_000, 1_200_000, Staged(0.5, 1.0, 3.0));
        recorder.RecordSuccess(1_300_000, 1_400_000, Staged(0.25, 2.0, 4.0));
        recorder.RecordSuccess(1_500_000, 1_600_000, Staged(0.75, 1.5, 5.0));

        var stages = recorder.Result().StageMediansMs!;

        Assert.Equal(["resolve_ms", "scatter_gather_ms", "user_tower_ms"], stages.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0.5, stages["resolve_ms"], 0.005);
        Assert.Equal(1.5, stages["user_tower_ms"], 0.005);
        Assert.Equal(4.0, stages["scatter_gather_ms"], 0.005);
    }

    private static RankResponseJson Staged(double resolve, double tower, double scatter) =>
        new("fit-v1", 1, new Dictionary<string, double> { ["resolve_ms"] = resolve, ["user_tower_ms"] = tower, ["scatter_gather_ms"] = scatter });

    private static RankResponseJson Response(double coverage, double clusterMs, double gatewayMs) =>
        new("fit-v1", coverage, new Dictionary<string, double> { ["cluster_ms"] = clusterMs, ["gateway_ms"] = gatewayMs, ["merge_ms"] = 0.1 });
}
