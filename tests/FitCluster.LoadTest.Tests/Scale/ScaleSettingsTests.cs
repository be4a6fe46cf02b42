using FitCluster.LoadTest.Scale;

namespace FitCluster.LoadTest.Tests.Scale;

public sealed class ScaleSettingsTests
{
    [Fact]
    public void ParseCounts_SuffixesAndSeparators_InGivenOrderWithoutDuplicates()
    {
        var counts = ScaleSettings.ParseCounts("1M, 100000,10_000k,2k,100000", out var problem);

        Assert.Null(problem);
        Assert.Equal([1_000_000, 100_000, 10_000_000, 2_000], counts);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5M")]
    [InlineData("-3")]
    [InlineData("abc")]
    [InlineData("3000M")]
    [InlineData("10,,20")]
    [InlineData("")]
    public void ParseCounts_NotACount_NamesTheEntry(string text)
    {
        var counts = ScaleSettings.ParseCounts(text, out var problem);

        Assert.Null(counts);
        Assert.NotNull(problem);
        if (text.Length > 0)
        {
            Assert.Contains("'", problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Problems_ValidSettings_None() => Assert.Empty(Valid().Problems());

    [Fact]
    public void Problems_EveryBadValue_ReportedAtOnce()
    {
        var settings = Valid() with
        {
            Silos = [0, 3],
            Candidates = [20_000],
            Rate = 0,
            Concurrency = 0,
            K = 0,
            Verify = -1,
            ShardsPerSilo = 0,
        };

        var problems = settings.Problems();

        foreach (var option in new[] { "--silos", "--candidates", "--rate", "--concurrency", "--k", "--verify", "--shards-per-silo" })
        {
            Assert.Contains(problems, p => p.StartsWith(option, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("Ranking:ShardJoinGrace=00:00:00", true)]
    [InlineData("Logging:LogLevel:Default=Warning", true)]
    [InlineData("A_b.c=", true)]                    // an empty value is a value
    [InlineData("Ranking:ShardJoinGrace", false)]   // no '='
    [InlineData("=00:00:00", false)]                // no key
    [InlineData("--Ranking:X=1", false)]            // the '--' is the benchmark's to add
    [InlineData("Ranking X=1", false)]
    public void IsSiloSetting_KeyEqualsValue(string setting, bool expected) => Assert.Equal(expected, ScaleSettings.IsSiloSetting(setting));

    [Fact]
    public void Problems_BadSiloSetting_NamesIt()
    {
        var problems = (Valid() with { SiloSettings = ["Ranking:ShardJoinGrace=00:00:00", "oops"] }).Problems();

        var problem = Assert.Single(problems);
        Assert.Contains("--silo-setting 'oops'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_MoreCandidatesThanTheSmallestCatalog_Reported()
    {
        var problems = (Valid() with { Items = [1_000_000, 5_000], Candidates = [2_000, 10_000] }).Problems();

        Assert.Contains(problems, p => p.Contains("smallest catalog", StringComparison.Ordinal));
    }

    internal static ScaleSettings Valid() => new(
        "/a", [100_000, 1_000_000], [1, 3], [2_000, 10_000], Half: false, Quick: false, "/out", "/work", Rate: 20, Concurrency: 16,
        TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5), K: 100, Verify: 1000, ShardsPerSilo: 2, Seed: 1, TimeSpan.FromMinutes(15));

    [Theory]
    [InlineData(20, 300, 20)]        // well below capacity: the asked rate
    [InlineData(20, 14.2, 7)]        // above half the capacity: half of it, whole requests/s
    [InlineData(20, 1.5, 1)]         // never below 1/s
    [InlineData(20, double.NaN, 20)] // nothing measured: the asked rate
    public void ModerateRate_CappedAtHalfTheSaturation(double asked, double saturation, double expected) =>
        Assert.Equal(expected, ScaleRun.ModerateRate(asked, saturation));
}
