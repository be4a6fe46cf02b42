namespace FitCluster.LoadTest.Tests;

public sealed class FixedRateScheduleTests
{
    private const long Nanoseconds = 1_000_000_000;

    [Fact]
    public void OffsetOf_200PerSecond_Every5Milliseconds()
    {
        var schedule = new FixedRateSchedule(200, Nanoseconds);

        Assert.Equal([0L, 5_000_000, 10_000_000, 15_000_000], Enumerable.Range(0, 4).Select(i => schedule.OffsetOf(i)));
        Assert.Equal(Nanoseconds, schedule.OffsetOf(200));
    }

    [Fact]
    public void OffsetOf_RateNotDividingTheClock_RoundsEachOffsetWithoutDrift()
    {
        var schedule = new FixedRateSchedule(3, Nanoseconds);

        Assert.Equal([0L, 333_333_333, 666_666_667, Nanoseconds], Enumerable.Range(0, 4).Select(i => schedule.OffsetOf(i)));
        Assert.Equal(3_000 * Nanoseconds, schedule.OffsetOf(9_000));
    }

    [Fact]
    public void OffsetOf_FractionalRate_SpacesBySeconds()
    {
        var schedule = new FixedRateSchedule(0.5, 1000);

        Assert.Equal(4000, schedule.OffsetOf(2));
    }

    [Theory]
    [InlineData(100, Nanoseconds, 100)]
    [InlineData(100, Nanoseconds + 1, 101)]
    [InlineData(100, Nanoseconds - 1, 100)]
    [InlineData(3, Nanoseconds, 3)]
    [InlineData(3, 666_666_667, 2)]
    [InlineData(3, 666_666_668, 3)]
    [InlineData(100, 1, 1)]
    [InlineData(100, 0, 0)]
    public void CountWithin_CountsSendsDueStrictlyBeforeTheSpan(double rate, long span, long expected)
    {
        var schedule = new FixedRateSchedule(rate, Nanoseconds);

        Assert.Equal(expected, schedule.CountWithin(span));
    }

    [Fact]
    public void CountWithin_AgreesWithTheOffsets()
    {
        var schedule = new FixedRateSchedule(7.3, 10_000);
        for (long span = 1; span < 30_000; span += 37)
        {
            var count = schedule.CountWithin(span);
            Assert.True(schedule.OffsetOf(count - 1) < span && schedule.OffsetOf(count) >= span, $"span {span}: count {count}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Ctor_RateNotPositiveAndFinite_Throws(double rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedRateSchedule(rate, Nanoseconds));
    }
}
