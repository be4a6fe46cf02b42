using FitCluster.Training.Models;

namespace FitCluster.Training.Tests.Models;

public sealed class TemperatureScheduleTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(25, 0.75)]
    [InlineData(50, 0.5)]
    [InlineData(99, 0.01)]
    [InlineData(100, 0.001)]
    [InlineData(1000, 0.001)]
    public void At_Step_FollowsEquation23(long step, double expected)
    {
        var schedule = new TemperatureSchedule(Threshold: 100);
        Assert.Equal(expected, schedule.At(step), 9);
    }

    [Fact]
    public void At_JustBeforeThreshold_NeverBelowFloor()
    {
        var schedule = new TemperatureSchedule(Threshold: 100_000);
        Assert.Equal(0.001, schedule.At(99_999), 9); // 1 − 0.99999 = 1e-5 is floored at 0.001
    }

    [Fact]
    public void At_NonPositiveThreshold_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new TemperatureSchedule(0).At(1));
    }
}
