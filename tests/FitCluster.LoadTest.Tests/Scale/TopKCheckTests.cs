using FitCluster.LoadTest.Scale;
using FitCluster.Model.Ranking;

namespace FitCluster.LoadTest.Tests.Scale;

public sealed class TopKCheckTests
{
    private static readonly RankedItem[] s_expected = [new("a", 2.5f), new("b", 1.25f), new("c", -0.5f)];

    [Fact]
    public void Difference_SameIdsOrderAndScores_Null() =>
        Assert.Null(TopKCheck.Difference(s_expected, [new("a", 2.5f), new("b", 1.25f + 5e-6f), new("c", -0.5f)]));

    [Fact]
    public void Difference_SwappedPair_NamesThePosition()
    {
        var problem = TopKCheck.Difference(s_expected, [new("a", 2.5f), new("c", -0.5f), new("b", 1.25f)]);

        Assert.StartsWith("position 2: cluster c", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Difference_ScoreOffByMoreThanTheTolerance_NamesThePosition() =>
        Assert.StartsWith("position 3:", TopKCheck.Difference(s_expected, [new("a", 2.5f), new("b", 1.25f), new("c", -0.4f)]), StringComparison.Ordinal);

    [Fact]
    public void Difference_FewerItems_Reported() =>
        Assert.Equal("2 items, the in-process ranker 3", TopKCheck.Difference(s_expected, [new("a", 2.5f), new("b", 1.25f)]));

    [Fact]
    public void OnlyNearTies_SwapOfItemsScoredWithinTheTolerance_True()
    {
        RankedItem[] expected = [new("a", 2.5f), new("b", 0.3000001f), new("c", 0.3f)];

        Assert.True(TopKCheck.OnlyNearTies(expected, [new("a", 2.5f), new("c", 0.3000001f), new("b", 0.3f)]));
        Assert.True(TopKCheck.OnlyNearTies(expected, [new("a", 2.5f), new("b", 0.3000001f), new("z", 0.3000002f)])); // another item tied at the k-th place
    }

    [Fact]
    public void OnlyNearTies_RealDifference_False()
    {
        Assert.False(TopKCheck.OnlyNearTies(s_expected, [new("a", 2.5f), new("c", 1.25f), new("b", -0.5f)]));  // c's in-process score is −0.5, not 1.25
        Assert.False(TopKCheck.OnlyNearTies(s_expected, [new("a", 2.5f), new("b", 1.25f), new("z", 0.9f)]));   // z does not tie the last place
        Assert.False(TopKCheck.OnlyNearTies(s_expected, [new("a", 2.5f), new("b", 1.25f)]));
    }
}
