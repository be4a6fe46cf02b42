using System.Runtime;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Tests.Runs;

public sealed class GcPauseTests
{
    [Fact]
    public async Task Begin_OnAnotherThread_WaitsUntilTheFirstStepEnds()
    {
        var first = GcPause.Begin();
        var secondEntered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var second = Task.Factory.StartNew(
            () =>
            {
                using var pause = GcPause.Begin();
                secondEntered.Set();
                release.Wait(TestContext.Current.CancellationToken);
            },
            TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            Assert.False(secondEntered.Wait(300, TestContext.Current.CancellationToken), "a second thread's step started inside the first one's");
        }
        finally
        {
            first.Dispose();
        }

        Assert.True(secondEntered.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "the second step never started");
        release.Set();
        await second; // the first pause began and ended on this thread before any await
    }

    [Fact]
    public void Begin_NestedOnOneThread_DoesNotDeadlockAndLeavesTheRegion()
    {
        using (GcPause.Begin())
        {
            using (GcPause.Begin())
            {
                _ = new byte[1024];
            }
        }

        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        default(GcPause).Dispose(); // a pause never begun releases nothing
    }
}
