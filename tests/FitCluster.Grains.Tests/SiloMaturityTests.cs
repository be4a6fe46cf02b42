using System.Net;
using FitCluster.Grains.Placement;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FitCluster.Grains.Tests;

/// <summary>
/// <see cref="SiloMaturity"/>: a silo is left out of shard placement until the join grace has passed since it started
/// (read from its generation, so every silo agrees), then placed on; with no silo settled, all are eligible.
/// </summary>
public sealed class SiloMaturityTests
{
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset s_now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void StartedAt_IsTheGenerationInSecondsAfter2022()
    {
        // 155,469,581 s after 2022-01-01 is 2026-12-05T09:59:41Z (checked against Orleans' own allocation on this machine).
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 9, 59, 41, TimeSpan.Zero), SiloMaturity.StartedAt(Silo(1, 155_469_581)));
    }

    [Fact]
    public void SiloExcludedUntilTheGraceSinceItsStartHasPassed_OlderOnesAtOnce()
    {
        var time = new FakeTimeProvider(s_now);
        var maturity = Make(time, s_grace);
        var old = Silo(1, GenerationAt(s_now - TimeSpan.FromMinutes(5)));
        var recent = Silo(2, GenerationAt(s_now - TimeSpan.FromSeconds(10)));
        var joiner = Silo(3, GenerationAt(s_now - TimeSpan.FromSeconds(1)));

        Assert.Equal([old], maturity.Eligible([joiner, old, recent], out var next));
        Assert.Equal(TimeSpan.FromSeconds(20), next); // recent settles first

        time.Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromTicks(1));
        Assert.Equal([old], maturity.Eligible([joiner, old, recent], out _));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal([old, recent], maturity.Eligible([joiner, old, recent], out next));
        Assert.Equal(TimeSpan.FromSeconds(9), next);

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal([joiner, old, recent], maturity.Eligible([joiner, old, recent], out next));
        Assert.Null(next);
    }

    [Fact]
    public void TwoSilosWithDifferentViews_AgreeOnWhoIsSettled()
    {
        // Two silos asked at the same moment, whatever each saw before, give the same answer: it depends on the list only.
        var time = new FakeTimeProvider(s_now);
        var a = Make(time, s_grace);
        var b = Make(time, s_grace);
        var silos = new[] { Silo(1, GenerationAt(s_now - TimeSpan.FromSeconds(45))), Silo(2, GenerationAt(s_now - TimeSpan.FromSeconds(5))) };
        a.Eligible([silos[0]], out _);

        Assert.Equal(a.Eligible(silos, out var nextA), b.Eligible(silos, out var nextB));
        Assert.Equal([silos[0]], a.Eligible(silos, out _));
        Assert.Equal(nextA, nextB);
    }

    [Fact]
    public void NoSiloSettled_AllAreEligible_SoAShardAlwaysHasAHome()
    {
        var time = new FakeTimeProvider(s_now);
        var maturity = Make(time, s_grace);
        var young = Silo(1, GenerationAt(s_now));
        Assert.Equal([young], maturity.Eligible([young], out var next));
        Assert.Equal(s_grace, next);
    }

    [Fact]
    public void ClockBehindAStartTime_CountsAsJustStarted()
    {
        var time = new FakeTimeProvider(s_now);
        var ahead = Silo(1, GenerationAt(s_now + TimeSpan.FromSeconds(3))); // its host's clock runs ahead
        var old = Silo(2, GenerationAt(s_now - TimeSpan.FromHours(1)));
        Assert.Equal([old], Make(time, s_grace).Eligible([ahead, old], out var next));
        Assert.Equal(s_grace, next);
    }

    [Fact]
    public void ZeroGrace_EverySiloAtOnce()
    {
        var time = new FakeTimeProvider(s_now);
        var silos = new[] { Silo(1, GenerationAt(s_now)), Silo(2, GenerationAt(s_now)) };
        Assert.Equal(silos, Make(time, TimeSpan.Zero).Eligible(silos, out var next));
        Assert.Null(next);
    }

    private static SiloMaturity Make(TimeProvider time, TimeSpan grace) => new(Options.Create(new RankingOptions { ShardJoinGrace = grace }), time);

    private static int GenerationAt(DateTimeOffset start) => checked((int)(start - new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds);

    private static SiloAddress Silo(int n, int generation) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), generation);
}
