using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Ranking;
using FitCluster.Model.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace FitCluster.Grains.Tests;

[Collection(ClusterGroup.Name)]
public sealed class RankingGrainTests(ClusterFixture fixture)
{
    private static readonly ImmutableArray<string> s_allItems = [.. Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey)];

    // 30 candidates: each shard's rows use most of the N = 5 branches, so shards get the whole heads array; 3 candidates:
    // each shard uses one branch and gets just that one. The user tower is split over the silo's cores (UserTowerSplit 0).
    public static TheoryData<string, int, int> Cases => new()
    {
        { "fit-test-1", 5, 30 }, { "fit-test-1", 40, 30 }, { "fit-test-1", 2, 3 }, { "two-tower-test-1", 7, 30 }, { "two-tower-test-1", 3, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RankAsync_ThreeSilos_EqualsInProcessRanker(string version, int k, int candidateCount)
    {
        var directory = version.StartsWith("fit", StringComparison.Ordinal) ? fixture.FitDirectory : fixture.TwoTowerDirectory;
        using var ranker = Ranker.Load(directory);
        var features = TestArtifact.User(2);
        string[] behaviours = ["m3", "m9", "m1", "m22"];
        var candidates = s_allItems.Reverse().Take(candidateCount).ToImmutableArray();

        var expected = ranker.Rank(new RankQuery(features, behaviours, candidates, k));
        var response = await Rank(new RankRequest(features.ToImmutableDictionary(), [.. behaviours], candidates, k, version));

        Assert.Null(response.Error);
        Assert.Equal(version, response.ModelVersion);
        Assert.Equal(expected.Items.Select(i => i.ItemKey), response.Items.Select(i => i.ItemId));
        for (var i = 0; i < expected.Items.Count; i++)
        {
            Assert.Equal(expected.Items[i].Score, response.Items[i].Score, 1e-5f);
        }

        Assert.Equal(1.0, response.Coverage);
        Assert.InRange(response.Timings.Shards, 1, 3);
        Assert.True(response.Timings.ShardMaxMs > 0, "the slowest shard's own time is reported");
        Assert.InRange(response.Timings.ShardMaxMs, 0, response.Timings.ScatterGatherMs); // inside the scatter-gather it is part of
    }

    [Fact]
    public async Task RankAsync_NoVersion_UsesActiveAndReportsUnknowns()
    {
        var features = new Dictionary<string, string> { ["user_id"] = "somebody-new", ["gender"] = "M" }.ToImmutableDictionary();
        var response = await Rank(new RankRequest(features, ["m2", "ghost"], ["m1", "nope", "m4", "m5"], 10));

        Assert.Null(response.Error);
        Assert.Equal("fit-test-1", response.ModelVersion);
        Assert.Equal(3, response.Items.Length);
        Assert.Equal(["nope"], response.UnknownCandidates);
        Assert.Equal(["ghost"], response.UnknownBehaviours);
        Assert.Equal(["user_id"], response.UnknownFeatures);
        Assert.Equal(0.75, response.Coverage);
    }

    public static TheoryData<string, RankRequest> BadRequests
    {
        get
        {
            var user = TestArtifact.User(1).ToImmutableDictionary();
            return new()
            {
                { "At least one candidate is required", new RankRequest(user, [], [], 5) },
                { "exceed the limit", new RankRequest(user, [], [.. Enumerable.Range(0, 31).Select(i => $"m{i}")], 5) },
                { "Duplicate candidate ids: m1.", new RankRequest(user, [], ["m1", "m2", "m1"], 5) },
                { "Duplicate candidate ids: nope.", new RankRequest(user, [], ["nope", "m2", "nope"], 5) },
                { "k must be", new RankRequest(user, [], ["m1"], 0) },
                { "Missing user feature 'gender'", new RankRequest(ImmutableDictionary<string, string>.Empty.Add("user_id", "u1"), [], ["m1"], 1) },
                { "Unknown user feature 'shoe_size'", new RankRequest(user.Add("shoe_size", "9"), [], ["m1"], 1) },
                { "Candidate ids must be non-empty strings", new RankRequest(user, [], ["m1", ""], 1) },
            };
        }
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task RankAsync_BadRequest_RefusedWithReasonNotFault(string reason, RankRequest request)
    {
        var response = await Rank(request);

        Assert.NotNull(response.Error);
        Assert.Equal("invalid_request", response.Error.Code);
        Assert.Contains(reason, response.Error.Message, StringComparison.Ordinal);
        Assert.Empty(response.Items);
    }

    [Fact]
    public async Task RankAsync_MarkedCheckedByAnotherProcess_IsCheckedAgain()
    {
        // The mark is not on the wire: a request from a client process, marked with the silo's very limits, is still checked.
        var limits = SiloLimits();
        var request = OverLimit(limits) with { CheckedAgainst = limits };

        var response = await Rank(request);

        Assert.Equal("invalid_request", response.Error?.Code);
        Assert.Contains("exceed the limit", response.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RankAsync_MarkedInTheSilo_SkipsTheSecondCheckOnlyForTheSameLimits()
    {
        var limits = SiloLimits();
        var silo = ((InProcessSiloHandle)fixture.Cluster.Primary!).ServiceProvider.GetRequiredService<IGrainFactory>();
        var rank = silo.GetGrain<IRankingGrain>("rank");

        // From this silo's own front door (a local call passes the [Immutable] request by reference), marked with the
        // coordinator's limits: not hashed again, so one candidate over the limit is ranked (the proof the mark arrives).
        var same = await rank.RankAsync(OverLimit(limits) with { CheckedAgainst = limits }, TestContext.Current.CancellationToken);
        Assert.Null(same.Error);
        Assert.Equal(limits.MaxCandidates + 1, same.Items.Length);

        // Marked with other limits (a door configured differently): checked again with the coordinator's.
        var other = await rank.RankAsync(
            OverLimit(limits) with { CheckedAgainst = limits with { MaxCandidates = limits.MaxCandidates + 1 } }, TestContext.Current.CancellationToken);
        Assert.Equal("invalid_request", other.Error?.Code);
        var unmarked = await rank.RankAsync(OverLimit(limits), TestContext.Current.CancellationToken);
        Assert.Equal("invalid_request", unmarked.Error?.Code);
    }

    [Fact]
    public async Task RankAsync_UnknownVersion_Refused()
    {
        var response = await Rank(new RankRequest(TestArtifact.User(1).ToImmutableDictionary(), [], ["m1"], 1, "no-such-version"));
        Assert.Equal("unknown_model_version", response.Error?.Code);
    }

    [Fact]
    public async Task Catalog_ListsBothVersionsAndActivatesOnlyValidOnes()
    {
        var catalog = fixture.Cluster.GrainFactory.GetGrain<IModelCatalogGrain>(RankingServiceCollectionExtensions.CatalogKey);

        var before = await catalog.GetAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["fit-test-1", "two-tower-test-1"], before.Versions.Select(v => v.ModelVersion).Order());
        Assert.Equal("fit-test-1", before.ActiveVersion);
        var missing = await catalog.ActivateAsync("missing", TestContext.Current.CancellationToken);
        Assert.Null(missing.Catalog);
        Assert.Equal("unknown_model_version", missing.Error?.Code);

        var after = await catalog.ActivateAsync("two-tower-test-1", TestContext.Current.CancellationToken);
        try
        {
            Assert.Null(after.Error);
            Assert.Equal("two-tower-test-1", after.Catalog?.ActiveVersion);
        }
        finally
        {
            await catalog.ActivateAsync("fit-test-1", TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task UserTowerGrain_BranchRange_EqualsThoseRowsOfTheWholeTower()
    {
        var tower = fixture.Cluster.GrainFactory.GetGrain<IUserTowerGrain>("fit-test-1");
        UserTowerInput all = new([2, 1], [3, 1, 4]);

        var whole = await tower.ComputeAsync(all, TestContext.Current.CancellationToken);
        var range = await tower.ComputeAsync(all with { FirstBranch = 2, BranchCount = 3 }, TestContext.Current.CancellationToken);

        Assert.Equal(5, whole.BranchCount);
        Assert.Equal((3, 2), (range.BranchCount, range.FirstBranch));
        var expected = whole.Values.AsSpan(2 * whole.HeadSize, 3 * whole.HeadSize).ToArray();
        Assert.Equal(expected.Length, range.Values.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], range.Values[i], 1e-5f);
        }

        var outside = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await tower.ComputeAsync(all with { FirstBranch = 4, BranchCount = 2 }, TestContext.Current.CancellationToken));
        Assert.Contains("outside the tower's 0..4", outside.Message, StringComparison.Ordinal);
    }

    private RankLimits SiloLimits() =>
        ((InProcessSiloHandle)fixture.Cluster.Primary!).ServiceProvider.GetRequiredService<IOptions<RankingOptions>>().Value.Limits;

    // One candidate more than the silo allows, k = all of them; valid otherwise (every id distinct and known: the catalog has MaxCandidates + 1 items or more).
    private static RankRequest OverLimit(RankLimits limits) => new(
        TestArtifact.User(1).ToImmutableDictionary(), [], [.. s_allItems.Take(limits.MaxCandidates + 1)], limits.MaxCandidates + 1);

    private Task<RankResponse> Rank(RankRequest request) =>
        fixture.Cluster.GrainFactory.GetGrain<IRankingGrain>("rank").RankAsync(request, TestContext.Current.CancellationToken).AsTask();
}
