namespace FitCluster.Grains.Tests;

public sealed class RankingOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new RankingOptionsValidator().Validate(null, new RankingOptions { ArtifactRoot = Path.GetTempPath() });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65)]
    public void Validate_UserTowerSplitOutOfRange_FailsNamingIt(int split)
    {
        var result = new RankingOptionsValidator().Validate(null, new RankingOptions { ArtifactRoot = Path.GetTempPath(), UserTowerSplit = split });

        Assert.True(result.Failed);
        Assert.Contains($"Ranking:UserTowerSplit must be in 0..64 (0 = one per core), got {split}.", result.Failures!);
    }

    [Fact]
    public void Validate_EveryProblemReportedAtOnce()
    {
        var result = new RankingOptionsValidator().Validate(null, new RankingOptions { ArtifactRoot = "", ShardCount = 0, UserTowerSplit = -3 });

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
    }
}
