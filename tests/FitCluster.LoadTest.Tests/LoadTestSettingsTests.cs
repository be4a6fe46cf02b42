namespace FitCluster.LoadTest.Tests;

public sealed class LoadTestSettingsTests
{
    [Fact]
    public void Problems_Valid_None()
    {
        Assert.Empty(Settings(rate: 100, concurrency: null).Problems());
        Assert.Empty(Settings(rate: null, concurrency: 4).Problems());
    }

    [Fact]
    public void Problems_BothModesOrNeither_AskForExactlyOne()
    {
        Assert.Contains(Settings(rate: 100, concurrency: 4).Problems(), p => p.Contains("exactly one", StringComparison.Ordinal));
        Assert.Contains(Settings(rate: null, concurrency: null).Problems(), p => p.Contains("exactly one", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_ReportsEveryBadValue()
    {
        var settings = Settings(rate: -1, concurrency: null) with { K = 0, Candidates = 0, Duration = TimeSpan.Zero };

        Assert.Equal(["--rate must be > 0", "--candidates must be ≥ 1", "--k must be ≥ 1", "--duration must be > 0"], settings.Problems());
    }

    [Fact]
    public void Mode_NamesTheRateOrTheConcurrency()
    {
        Assert.Equal("rate 100/s", Settings(rate: 100, concurrency: null).Mode);
        Assert.Equal("rate 2.5/s", Settings(rate: 2.5, concurrency: null).Mode);
        Assert.Equal("concurrency 4", Settings(rate: null, concurrency: 4).Mode);
    }

    private static LoadTestSettings Settings(double? rate, int? concurrency) => new(
        new Uri("http://127.0.0.1:8080"), "/tmp/artifact", 2000, 10, rate, concurrency, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5),
        64, 1, 8, TimeSpan.FromSeconds(10), null, null, "");
}
