using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;
using FitCluster.Model.Ranking;
using FitCluster.Model.Scoring;
using FitCluster.Model.Tests.Catalog;

namespace FitCluster.Model.Tests.Ranking;

public sealed class RankingPlanTests
{
    [Theory]
    [InlineData(16, 1)]
    [InlineData(16, 3)]
    [InlineData(4096, 7)]
    public void Partition_RoutesEachIdByItsHash_KeepingRequestOrder(int buckets, int shards)
    {
        var plan = new RankingPlan(buckets, shards);
        string[] ids = [.. Enumerable.Range(0, 200).Select(i => i % 9 == 0 ? $"ü{i}" : $"id-{i * 37}")];

        var parts = plan.Partition(ids);

        Assert.Equal(shards, parts.Length);
        var covered = new List<int>();
        for (var s = 0; s < shards; s++)
        {
            var expected = Enumerable.Range(0, ids.Length).Where(i => ItemTableFileTests.OwnFnv1a(ids[i]) % (uint)buckets % (uint)shards == s).ToArray();
            Assert.Equal(expected, parts[s].Positions);
            Assert.Equal(expected.Select(i => ids[i]), parts[s].Ids);
            covered.AddRange(parts[s].Positions);
        }

        Assert.Equal(Enumerable.Range(0, ids.Length), covered.Order());
    }

    [Fact]
    public void ScoreShard_UnknownReported_TiesKeepRequestOrder()
    {
        // Dot scorer, one branch: the score is the first head value (user head [1, 0]).
        var items = ItemTable.FromSingle(1, 2, 1, [0, 0, 0], [3f, 0f, 5f, 0f, 3f, 1f]);
        var shard = ItemShard.Create(["a", "b", "c"], [1, 2, 3], items);

        var scores = RankingPlan.ScoreShard(shard, new DotScorer(), [1f, 0f], ["c", "x", "a", "b"], [1, 2, 5, 7], k: 2);

        Assert.Equal([7, 1], scores.Positions); // b (5), then c and a tie at 3: c came first in the request
        Assert.Equal([5f, 3f], scores.Scores);
        Assert.Equal([2], scores.UnknownPositions);
        Assert.Equal(3, scores.Scored);
    }

    [Fact]
    public void Merge_KWayByScoreThenPosition_UnknownsInRequestOrder()
    {
        ShardScores first = new([4, 0], [2f, 1f], [6], 2);
        ShardScores second = new([1, 3, 2], [2f, 1f, 0.5f], [5], 3);

        var merged = RankingPlan.Merge([first, second], k: 4);

        Assert.Equal([(1, 2f), (4, 2f), (0, 1f), (3, 1f)], merged.Top);
        Assert.Equal([5, 6], merged.UnknownPositions);
        Assert.Equal(5, merged.Scored);
    }

    [Fact]
    public void GatherBehaviours_KnownInRequestOrder_LatestKept_UnknownReported()
    {
        string[] behaviours = ["p", "q", "r", "s"];

        var (sequence, unknown) = RankingPlan.GatherBehaviours(behaviours, [([0, 2], [5, -1]), ([1, 3], [7, 9])], sequenceLength: 2);

        Assert.Equal([7, 9], sequence);
        Assert.Equal(["r"], unknown);
    }

    [Fact]
    public void ResolveShard_ItemIndexOrMinusOne()
    {
        var shard = ItemShard.Create(["a", "b"], [11, 4], ItemTable.FromSingle(1, 1, 1, [0, 0], [1f, 2f]));

        Assert.Equal([4, -1, 11], RankingPlan.ResolveShard(shard, ["b", "zz", "a"]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Rank_PartitionedCatalog_EqualsBruteForce_WithTiesAndUnknowns(int shardCount)
    {
        using var temp = new TempDirectory();
        var tensors = TestArtifact.WriteFit(temp.Path, tiedPairs: 12);
        using var ranker = new Ranker(ModelArtifact.Load(temp.Path), shardCount: shardCount);
        Assert.Equal(TestArtifact.ItemCount, ranker.Shards.Sum(s => s.Count));
        // Candidates: each tied twin before its pair in some cases and after in others, plus unknown ids in between.
        string[] candidates = [.. Enumerable.Range(0, TestArtifact.ItemCount).Select(i => TestArtifact.ItemKey((i * 7) % TestArtifact.ItemCount))
            .SelectMany((id, i) => i % 5 == 0 ? new[] { id, $"ghost-{i}" } : [id])];
        string[] behaviours = ["m3", "nope", "m27", "m1"];

        var outcome = ranker.Rank(new RankQuery(TestArtifact.User(2), behaviours, candidates, K: 30));

        var dims = TestArtifact.FitDims();
        var heads = Towers.NativeUserTowerTests.ReferenceFit(tensors, dims, [2, 2], [3, 27, 1]);
        var scorer = LssScorer.FromTensors(ranker.Artifact.Tensors, dims);
        var reference = new Ranker(ModelArtifact.Load(temp.Path)).Shards[0]; // rows to score by hand
        var row = new float[dims.ItemHeadSize];
        var expected = candidates.Select((id, position) => (id, position)).Where(c => !c.id.StartsWith("ghost", StringComparison.Ordinal)).Select(c =>
        {
            var r = reference.Find(c.id);
            reference.Items.CopyRow(r, row);
            var branch = heads.Skip(reference.Items.QueryIndex[r] * dims.UserHeadSize).Take(dims.UserHeadSize).Select(v => (float)v).ToArray();
            return (c.id, c.position, Score: scorer.ScoreReference(branch, row));
        }).OrderByDescending(c => c.Score).ThenBy(c => c.position).Take(30).ToArray();

        Assert.Equal(expected.Select(e => e.id), outcome.Items.Select(i => i.ItemKey));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Score, outcome.Items[i].Score, 1e-3);
        }

        Assert.Equal(candidates.Where(c => c.StartsWith("ghost", StringComparison.Ordinal)), outcome.UnknownCandidates);
        Assert.Equal(["nope"], outcome.UnknownBehaviours);
        Assert.Equal(TestArtifact.ItemCount, outcome.Scored);
        var ties = outcome.Items.Zip(outcome.Items.Skip(1)).Count(p => p.First.Score == p.Second.Score);
        Assert.True(ties >= 3, $"only {ties} exact ties in the top-30: the test would not exercise the tie rule");
    }
}
