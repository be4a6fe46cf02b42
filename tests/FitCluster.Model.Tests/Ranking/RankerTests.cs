using FitCluster.Model.Ranking;
using FitCluster.Model.Scoring;
using FitCluster.Model.Towers;
using FitCluster.Model.Tests.Towers;

namespace FitCluster.Model.Tests.Ranking;

public sealed class RankerTests
{
    [Theory]
    [InlineData(5)]
    [InlineData(64)] // 40 items over 64 meta vectors: the ranker's tower skips the branches no item uses
    public void Rank_Fit_EqualsBruteForceTopK(int metaSize)
    {
        using var temp = new TempDirectory();
        var tensors = TestArtifact.WriteFit(temp.Path, metaSize: metaSize);
        using var ranker = Ranker.Load(temp.Path);
        var live = ranker.Shards[0].Items.QueryIndex.Distinct().Count();
        Assert.Equal(live, Assert.IsType<NativeFitUserTower>(ranker.UserTower).LiveBranchCount);
        var candidates = Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey).ToArray();
        string[] behaviours = ["m3", "m7", "m1"];

        var outcome = ranker.Rank(new RankQuery(TestArtifact.User(2), behaviours, candidates, K: 5));

        var dims = TestArtifact.FitDims(metaSize);
        var heads = NativeUserTowerTests.ReferenceFit(tensors, dims, [2, 2], [3, 7, 1]);
        var scorer = LssScorer.FromTensors(ranker.Artifact.Tensors, dims);
        var shard = ranker.Shards[0];
        var items = shard.Items;
        var row = new float[items.RowSize];
        var expected = Enumerable.Range(0, TestArtifact.ItemCount).Select(i =>
        {
            var r = shard.Find(TestArtifact.ItemKey(i));
            items.CopyRow(r, row);
            var branch = heads.Skip(items.QueryIndex[r] * dims.UserHeadSize).Take(dims.UserHeadSize).Select(v => (float)v).ToArray();
            return (Key: TestArtifact.ItemKey(i), Score: scorer.ScoreReference(branch, row));
        }).OrderByDescending(p => p.Score).Take(5).ToArray();
        Assert.Equal(expected.Select(p => p.Key), outcome.Items.Select(i => i.ItemKey));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(expected[i].Score, outcome.Items[i].Score, 1e-3);
        }

        Assert.Equal(TestArtifact.ItemCount, outcome.Scored);
        Assert.Equal(1.0, outcome.Coverage);
        Assert.Equal("fit-test-1", outcome.ModelVersion);
    }

    [Fact]
    public void Rank_UnknownIds_ReportedNotScored()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteTwoTower(temp.Path);
        using var ranker = Ranker.Load(temp.Path);
        var features = new Dictionary<string, string> { ["user_id"] = "u-new", ["gender"] = "M" };

        var outcome = ranker.Rank(new RankQuery(features, ["m2", "ghost"], ["m1", "zzz", "m4"], K: 10));

        Assert.Equal(2, outcome.Items.Count);
        Assert.Equal(["zzz"], outcome.UnknownCandidates);
        Assert.Equal(["ghost"], outcome.UnknownBehaviours);
        Assert.Equal(["user_id"], outcome.UnknownFeatures);
        Assert.Equal(2.0 / 3, outcome.Coverage, 9);
        Assert.True(outcome.Items[0].Score >= outcome.Items[1].Score);
    }

    [Fact]
    public void Rank_BadRequests_ThrowClearErrors()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        using var ranker = new Ranker(FitCluster.Model.Artifacts.ModelArtifact.Load(temp.Path)) { Limits = new RankLimits(MaxCandidates: 3) };
        var user = TestArtifact.User(1);

        Assert.Contains("required", Assert.Throws<ArgumentException>(() => ranker.Rank(new RankQuery(user, [], [], 1))).Message, StringComparison.Ordinal);
        Assert.Contains("limit", Assert.Throws<ArgumentException>(() => ranker.Rank(new RankQuery(user, [], ["m1", "m2", "m3", "m4"], 1))).Message, StringComparison.Ordinal);
        Assert.Contains("Duplicate candidate ids: m1", Assert.Throws<ArgumentException>(() => ranker.Rank(new RankQuery(user, [], ["m1", "m1"], 1))).Message, StringComparison.Ordinal);
        Assert.Contains("k must", Assert.Throws<ArgumentException>(() => ranker.Rank(new RankQuery(user, [], ["m1"], 0))).Message, StringComparison.Ordinal);
        Assert.Contains("Missing user feature 'gender'", Assert.Throws<ArgumentException>(() =>
            ranker.Rank(new RankQuery(new Dictionary<string, string> { ["user_id"] = "u1" }, [], ["m1"], 1))).Message, StringComparison.Ordinal);
        Assert.Contains("Unknown user feature 'shoe_size'", Assert.Throws<ArgumentException>(() =>
            ranker.Rank(new RankQuery(new Dictionary<string, string>(user) { ["shoe_size"] = "9" }, [], ["m1"], 1))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveUser_LongHistory_KeepsLatestBehaviours()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        using var ranker = Ranker.Load(temp.Path);
        var history = Enumerable.Range(1, 10).Select(i => $"m{i}").ToArray();

        var user = ranker.ResolveUser(TestArtifact.User(1), history);

        Assert.Equal([5, 6, 7, 8, 9, 10], user.Behaviours);
    }

    [Fact]
    public void Rank_FewerCandidatesThanK_ReturnsAllBestFirst()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path, half: true);
        using var ranker = Ranker.Load(temp.Path);

        var outcome = ranker.Rank(new RankQuery(TestArtifact.User(3), ["m9"], ["m1", "m2", "m3"], K: 10));

        Assert.Equal(3, outcome.Items.Count);
        Assert.True(outcome.Items[0].Score >= outcome.Items[1].Score && outcome.Items[1].Score >= outcome.Items[2].Score);
        var all = ranker.ScoreAll(new RankQuery(TestArtifact.User(3), ["m9"], ["m1", "m2", "m3"], 3));
        Assert.Equal(all.Max(), outcome.Items[0].Score);
    }
}
