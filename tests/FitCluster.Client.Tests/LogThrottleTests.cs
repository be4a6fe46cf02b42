using FitCluster.Client.Gateway;
using FitCluster.Client.Tests.Infrastructure;

namespace FitCluster.Client.Tests;

public sealed class LogThrottleTests
{
    [Fact]
    public void ShouldLog_OncePerCausePerInterval_CountingTheRest()
    {
        var time = new ManualTimeProvider();
        var throttle = new LogThrottle(time) { Interval = TimeSpan.FromSeconds(10) };

        var first = throttle.ShouldLog("a", out var firstSuppressed);
        var repeats = Enumerable.Range(0, 5).Count(_ => throttle.ShouldLog("a", out long _));
        var other = throttle.ShouldLog("b", out _);
        time.Advance(TimeSpan.FromSeconds(9.9));
        var early = throttle.ShouldLog("a", out _);
        time.Advance(TimeSpan.FromSeconds(0.1));
        var due = throttle.ShouldLog("a", out var dueSuppressed);
        var next = throttle.ShouldLog("a", out _);

        Assert.True(first);
        Assert.Equal(0, firstSuppressed);
        Assert.Equal(0, repeats);
        Assert.True(other); // a distinct cause has its own line
        Assert.False(early);
        Assert.True(due);
        Assert.Equal(6, dueSuppressed); // five repeats and the early one
        Assert.False(next);
    }

    [Fact]
    public void ShouldLog_BeyondMaxCauses_SharesOneEntry()
    {
        var throttle = new LogThrottle(new ManualTimeProvider());
        for (var i = 0; i < LogThrottle.MaxCauses; i++)
        {
            Assert.True(throttle.ShouldLog($"cause {i}", out _));
        }

        Assert.True(throttle.ShouldLog("one more", out _));
        Assert.False(throttle.ShouldLog("and another", out _));
        Assert.False(throttle.ShouldLog(LogThrottle.OtherCauses, out _));
    }
}
