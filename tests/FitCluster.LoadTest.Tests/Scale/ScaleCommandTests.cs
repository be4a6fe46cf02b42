using FitCluster.LoadTest.Scale;

namespace FitCluster.LoadTest.Tests.Scale;

public sealed class ScaleCommandTests
{
    [Fact]
    public void Parse_TheDocumentedCommandLine_BindsEveryValue()
    {
        var parse = LoadTestCommand.Create().Parse(
            ["scale", "--artifact", "/models/fit", "--items", "100000,1000000,10000000", "--silos", "1,3", "--candidates", "2000,10000", "--half", "--out", "/results", "--work", "/w"]);

        Assert.Empty(parse.Errors); // the load test's own required options do not apply to the subcommand
        var settings = ScaleCommand.Bind(parse);
        Assert.Equal("/models/fit", settings.ArtifactDirectory);
        Assert.Equal([100_000, 1_000_000, 10_000_000], settings.Items);
        Assert.Equal([1, 3], settings.Silos);
        Assert.Equal([2_000, 10_000], settings.Candidates);
        Assert.True(settings.Half);
        Assert.Equal("fp16", settings.Precision);
        Assert.False(settings.Quick);
        Assert.Equal("/results", settings.OutputDirectory);
        Assert.Equal("/w", settings.WorkDirectory);
        Assert.Equal(1000, settings.Verify);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.Window);
        Assert.Equal([], settings.SiloSettings); // the silos' own defaults are measured
    }

    [Fact]
    public void Parse_SiloSettings_RepeatableInOrder()
    {
        var parse = LoadTestCommand.Create().Parse(
            ["scale", "--artifact", "/m", "--silo-setting", "Ranking:ShardJoinGrace=00:00:00", "--silo-setting", "Ranking:UnloadAfter=00:10:00"]);

        Assert.Empty(parse.Errors);
        Assert.Equal(["Ranking:ShardJoinGrace=00:00:00", "Ranking:UnloadAfter=00:10:00"], ScaleCommand.Bind(parse).SiloSettings);
    }

    [Fact]
    public void Parse_Quick_SmallDefaultsThatExplicitOptionsOverride()
    {
        var quick = ScaleCommand.Bind(LoadTestCommand.Create().Parse(["scale", "--artifact", "/m", "--quick"]));
        var explicitItems = ScaleCommand.Bind(LoadTestCommand.Create().Parse(["scale", "--artifact", "/m", "--quick", "--items", "50k", "--verify", "7"]));

        Assert.True(quick.Quick);
        Assert.Equal([20_000], quick.Items);
        Assert.Equal([1, 3], quick.Silos);
        Assert.Equal([2_000], quick.Candidates);
        Assert.Equal(100, quick.Verify);
        Assert.Equal("fp32", quick.Precision);
        Assert.Equal([50_000], explicitItems.Items);
        Assert.Equal(7, explicitItems.Verify);
    }

    [Fact]
    public void Parse_Defaults_TheIssuesConfigurations()
    {
        var settings = ScaleCommand.Bind(LoadTestCommand.Create().Parse(["scale", "--artifact", "/m"]));

        Assert.Equal([100_000, 1_000_000, 10_000_000], settings.Items);
        Assert.Equal([1, 3], settings.Silos);
        Assert.Equal([2_000, 10_000], settings.Candidates);
    }

    [Theory]
    [InlineData("--items", "10x")]
    [InlineData("--silos", "0")]
    [InlineData("--window", "soon")]
    public void Parse_BadValue_IsAnErrorNamingIt(string option, string value)
    {
        var parse = LoadTestCommand.Create().Parse(["scale", "--artifact", "/m", option, value]);

        Assert.Contains(parse.Errors, e => e.Message.Contains(value, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_WithoutArtifact_IsAnError()
    {
        var parse = LoadTestCommand.Create().Parse(["scale", "--items", "1M"]);

        Assert.Contains(parse.Errors, e => e.Message.Contains("--artifact", StringComparison.Ordinal));
    }
}
