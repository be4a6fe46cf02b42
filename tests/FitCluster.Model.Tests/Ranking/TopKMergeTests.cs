using FitCluster.Model.Ranking;

namespace FitCluster.Model.Tests.Ranking;

public sealed class TopKMergeTests
{
    [Fact]
    public void Merge_ThreeShards_TakesTheBestByScoreThenEarlierPosition()
    {
        // Shard lists, each best first; scores 0.9 and 0.5 tie across shards and must come out by request position.
        (int[], float[])[] lists =
        [
            ([7, 2, 9], [0.9f, 0.5f, -1.0f]),
            ([4, 0], [0.9f, 0.2f]),
            ([], []),
            ([1, 3, 8], [1.5f, 0.5f, 0.5f]),
        ];

        var top = TopKMerge.Merge(lists, 6);

        Assert.Equal([(1, 1.5f), (4, 0.9f), (7, 0.9f), (2, 0.5f), (3, 0.5f), (8, 0.5f)], top);
    }

    [Fact]
    public void Merge_KAboveTotal_ReturnsEverythingInOrder()
    {
        (int[], float[])[] lists = [([5], [0.1f]), ([2, 6], [0.3f, -0.2f])];

        Assert.Equal([(2, 0.3f), (5, 0.1f), (6, -0.2f)], TopKMerge.Merge(lists, 10));
        Assert.Empty(TopKMerge.Merge([([], []), ([], [])], 3));
    }

    [Fact]
    public void Merge_MatchesSortingEverything_OnRandomShards()
    {
        var random = new Random(5);
        for (var round = 0; round < 50; round++)
        {
            var all = Enumerable.Range(0, random.Next(1, 300)).Select(p => (Position: p, Score: (float)Math.Round(random.NextDouble() * 4, 1))).ToList();
            var shards = all.GroupBy(c => c.Position % 5)
                .Select(g => g.OrderByDescending(c => c.Score).ThenBy(c => c.Position).ToList())
                .Select(g => (g.Select(c => c.Position).ToArray(), g.Select(c => c.Score).ToArray()))
                .ToList();
            var k = random.Next(1, 40);

            var expected = all.OrderByDescending(c => c.Score).ThenBy(c => c.Position).Take(k).ToArray();

            Assert.Equal(expected, TopKMerge.Merge(shards, k));
        }
    }

    [Fact]
    public void Merge_MalformedLists_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => TopKMerge.Merge([([1, 2], [0.5f])], 2));
        Assert.Throws<ArgumentException>(() => TopKMerge.Merge([([1, 2], [0.1f, 0.5f])], 2)); // not best first
        Assert.Throws<ArgumentOutOfRangeException>(() => TopKMerge.Merge([([1], [0.5f])], 0));
    }
}
