using FitCluster.Model.Numerics;

namespace FitCluster.Model.Tests.Numerics;

public sealed class TopKTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 3)]
    [InlineData(100, 10)]
    [InlineData(2000, 10)]
    [InlineData(2000, 100)]
    [InlineData(2000, 2000)]
    [InlineData(37, 36)]
    public void Select_RandomScores_MatchesReference(int n, int k)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var scores = RandomScores(new Random(seed), n, distinctValues: 0);

            AssertMatchesReference(scores, k);
        }
    }

    [Theory]
    [InlineData(50, 10, 3)]
    [InlineData(500, 20, 5)]
    [InlineData(2000, 100, 50)]
    [InlineData(64, 64, 1)]
    public void Select_ManyTies_LowerIndexFirst(int n, int k, int distinctValues)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var scores = RandomScores(new Random(seed), n, distinctValues);

            AssertMatchesReference(scores, k);
        }
    }

    [Fact]
    public void Select_EqualScores_OrdersByIndex()
    {
        float[] scores = [1f, 2f, 1f, 2f, 1f, -0f, 0f];
        var best = new ScoredIndex[5];

        var count = TopK.Select(scores, best);

        Assert.Equal(5, count);
        Assert.Equal([new(2f, 1), new(2f, 3), new(1f, 0), new(1f, 2), new(1f, 4)], best);
    }

    [Fact]
    public void Select_KGreaterThanCount_ReturnsAllSortedAndLeavesRestUnchanged()
    {
        float[] scores = [0.5f, -1f, 3f];
        var sentinel = new ScoredIndex(-7f, -7);
        var best = new ScoredIndex[5];
        Array.Fill(best, sentinel);

        var count = TopK.Select(scores, best);

        Assert.Equal(3, count);
        Assert.Equal([new(3f, 2), new(0.5f, 0), new(-1f, 1), sentinel, sentinel], best);
    }

    [Fact]
    public void Select_KZero_ReturnsZero()
    {
        float[] scores = [1f, 2f, 3f];

        Assert.Equal(0, TopK.Select(scores, []));
        Assert.Equal(0, TopK.SelectReference(scores, []));
    }

    [Fact]
    public void Select_EmptyScores_ReturnsZero()
    {
        var best = new ScoredIndex[4];

        Assert.Equal(0, TopK.Select([], best));
    }

    [Fact]
    public void Select_NaNScores_NeverSelected()
    {
        float[] scores = [float.NaN, 1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        var best = new ScoredIndex[6];

        var count = TopK.Select(scores, best);

        Assert.Equal(3, count);
        Assert.Equal([new(float.PositiveInfinity, 3), new(1f, 1), new(float.NegativeInfinity, 4)], best[..3]);
    }

    [Fact]
    public void Select_AllNaN_ReturnsZero()
    {
        float[] scores = [float.NaN, float.NaN];
        var best = new ScoredIndex[1];

        Assert.Equal(0, TopK.Select(scores, best));
    }

    [Theory]
    [InlineData(100, 10)]
    [InlineData(2000, 100)]
    [InlineData(30, 40)]
    public void Select_RandomScoresWithNaN_MatchesReference(int n, int k)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var scores = RandomScores(random, n, distinctValues: 8);
            for (var i = 0; i < scores.Length; i++)
            {
                if (random.Next(5) == 0)
                {
                    scores[i] = float.NaN;
                }
            }

            AssertMatchesReference(scores, k);
        }
    }

    [Fact]
    public void Select_AscendingScores_KeepsLast()
    {
        var scores = new float[1000];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = i;
        }

        var best = new ScoredIndex[3];

        TopK.Select(scores, best);

        Assert.Equal([new(999f, 999), new(998f, 998), new(997f, 997)], best);
    }

    private static void AssertMatchesReference(float[] scores, int k)
    {
        var expected = new ScoredIndex[k];
        var actual = new ScoredIndex[k];

        var expectedCount = TopK.SelectReference(scores, expected);
        var actualCount = TopK.Select(scores, actual);

        Assert.Equal(expectedCount, actualCount);
        Assert.Equal(expected, actual);
    }

    /// <summary>Uniform scores in [-1, 1); with distinctValues &gt; 0, drawn from that many values to force ties.</summary>
    private static float[] RandomScores(Random random, int n, int distinctValues)
    {
        var scores = new float[n];
        for (var i = 0; i < n; i++)
        {
            scores[i] = distinctValues > 0 ? random.Next(distinctValues) : (random.NextSingle() * 2f) - 1f;
        }

        return scores;
    }
}
