using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;
using FitCluster.Model.Ranking;
using FitCluster.Model.Tests;
using Orleans.TestingHost;

namespace FitCluster.Grains.Tests;

/// <summary>
/// Two in-process silos serving a FIT and a Two-Tower version over three shards, with items written after export: the
/// live catalog's own cluster (its writes must not disturb the other cluster tests).
/// </summary>
public sealed class ItemCatalogClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _store = new();

    public TestCluster Cluster { get; private set; } = null!;

    public string FitDirectory => _store.Combine("fit");

    public string TwoTowerDirectory => _store.Combine("two-tower");

    public async ValueTask InitializeAsync()
    {
        TestArtifact.WriteFit(FitDirectory, seed: 21);
        TestArtifact.WriteTwoTower(TwoTowerDirectory, seed: 22);
        Cluster = await TestClusters.DeployAsync<MemoryStorageSilo>(2, _store.Path, new Dictionary<string, string>
        {
            ["ShardCount"] = "3", ["DefaultModelVersion"] = "fit-test-1", ["MaxCandidates"] = "60",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await TestClusters.StopAsync(Cluster);
        _store.Dispose();
    }
}

/// <summary>
/// The live item catalog: upserted items are rankable at once with the heads and query index their features give
/// through each version's item tower (checked against the tower computed by hand), deletes make ids unknown, order and
/// bad input are kept straight, and the catalog survives the re-activation of every grain.
/// </summary>
public sealed class ItemCatalogTests(ItemCatalogClusterFixture fixture) : IClassFixture<ItemCatalogClusterFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upsert_NewItems_RankableAtOnce_WithTheirItemTowerHeads_InEveryVersion()
    {
        var result = await Writer.UpsertAsync(
        [
            Item(0, "fresh-1", ("genres", ["a", "b"])),
            Item(1, "fresh-2", ("genres", ["b"])),
            Item(2, "fresh-3", ("genres", ["zzz", "a"])), // an unseen value: embedded as unknown (index 0), and reported
        ], Ct);

        Assert.Equal(3, result.Applied);
        Assert.Empty(result.Errors);
        var notice = Assert.Single(result.Notices);
        Assert.Equal(("items[2].features.genres", "unseen_value"), (notice.Field, notice.Code));

        ImmutableArray<string> candidates = ["m2", "fresh-2", "m9", "fresh-1", "m31", "fresh-3", "m5", "m40"];
        var written = new Dictionary<string, (int[] Genres, int ItemIndex)> { ["fresh-1"] = ([1, 2], 0), ["fresh-2"] = ([2], 0), ["fresh-3"] = ([0, 1], 0) };
        foreach (var (version, directory) in new[] { ("fit-test-1", fixture.FitDirectory), ("two-tower-test-1", fixture.TwoTowerDirectory) })
        {
            var response = await Rank(candidates, version);
            Assert.Null(response.Error);
            Assert.Empty(response.UnknownCandidates);
            AssertScores(Expected(directory, written, [], candidates), response);
        }
    }

    [Fact]
    public async Task Delete_MakesAnIdUnknown_AndAnUpsertOfAnExportedId_KeepsItsLearnedIdEmbedding()
    {
        ImmutableArray<string> candidates = ["m11", "m12", "m13", "m14"];
        Assert.Equal(1, (await Writer.DeleteAsync("m12", Ct)).Applied);
        Assert.Equal(0, (await Writer.DeleteAsync("m12", Ct)).Applied); // deleting again: nothing to do
        Assert.Equal(1, (await Writer.UpsertAsync([Item(0, "m13", ("genres", ["a"]))], Ct)).Applied);

        var response = await Rank(candidates);
        Assert.Equal(["m12"], response.UnknownCandidates);
        AssertScores(Expected(fixture.FitDirectory, new() { ["m13"] = ([1], 13) }, ["m12"], candidates), response);

        var unknown = await Writer.DeleteAsync("never-existed", Ct);
        Assert.Equal("unknown_item", Assert.Single(unknown.Errors).Code);
        Assert.Equal(0, unknown.Applied);

        Assert.Equal(1, (await Writer.UpsertAsync([Item(0, "m12", ("genres", ["b", "a"]))], Ct)).Applied); // back, re-embedded
        var again = await Rank(candidates);
        Assert.Empty(again.UnknownCandidates);
        AssertScores(Expected(fixture.FitDirectory, new() { ["m13"] = ([1], 13), ["m12"] = ([2, 1], 12) }, [], candidates), again);
    }

    [Fact]
    public async Task Upsert_BadItems_RefusedAlone_TheRestStored()
    {
        var result = await Writer.UpsertAsync(
        [
            Item(0, "bad-feature", ("colour", ["red"])),
            Item(1, "good-1", ("genres", ["a"])),
            Item(2, "too-many", ("genres", ["a", "b", "a"])),
            Item(3, "twice", ("genres", ["a"]), ("genres", ["b"])),
            Item(4, "good-2"),
        ], Ct);

        Assert.Equal(2, result.Applied);
        Assert.Equal(
            [("items[0].features.colour", "unknown_feature"), ("items[2].features.genres", "too_many_values"), ("items[3].features.genres", "invalid_feature")],
            result.Errors.Select(e => (e.Field, e.Code)));
        Assert.Contains(result.Notices, n => n is { Field: "items[4].features.genres", Code: "missing_feature" });
        var response = await Rank(["bad-feature", "good-1", "too-many", "twice", "good-2"]);
        Assert.Equal(["bad-feature", "too-many", "twice"], response.UnknownCandidates);
        Assert.Null(await Writer.GetAsync("bad-feature", Ct));
        Assert.Equal(["a"], (await Writer.GetAsync("good-1", Ct))!.Features.Single().Values);
    }

    [Fact]
    public async Task LaterWritesWin_AndEveryWriteSurvivesTheReactivationOfEveryGrain()
    {
        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(1, (await Writer.UpsertAsync([Item(0, "flip", ("genres", [round % 2 == 0 ? "a" : "b"]))], Ct)).Applied);
        }

        Assert.Equal(1, (await Writer.DeleteAsync("flip", Ct)).Applied);
        Assert.Equal(1, (await Writer.UpsertAsync([Item(0, "flip", ("genres", ["b", "b"]))], Ct)).Applied);
        var many = Enumerable.Range(0, 300).Select(i => Item(i, $"bulk-{i}", ("genres", [i % 3 == 0 ? "a" : "b"]))).ToImmutableArray();
        Assert.Equal(300, (await Writer.UpsertAsync(many, Ct)).Applied);
        ImmutableArray<string> candidates = ["flip", "bulk-0", "bulk-1", "bulk-299", "m1"];
        var expected = Expected(fixture.FitDirectory, new() { ["flip"] = ([2, 2], 0), ["bulk-0"] = ([1], 0), ["bulk-1"] = ([2], 0), ["bulk-299"] = ([2], 0) }, [], candidates);
        AssertScores(expected, await Rank(candidates));

        // Every grain goes: partitions re-read their logs from storage, shards re-subscribe and re-embed.
        var management = fixture.Cluster.Client.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero, Ct);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        AssertScores(expected, await Rank(candidates));
        Assert.Equal(["b", "b"], (await Writer.GetAsync("flip", Ct))!.Features.Single().Values);
    }

    [Fact]
    public async Task VersionActivatedAfterTheWrites_RanksThemWithItsOwnItemTower()
    {
        Assert.Equal(2, (await Writer.UpsertAsync([Item(0, "switch-1", ("genres", ["b", "a"])), Item(1, "switch-2", ("genres", ["a"]))], Ct)).Applied);
        var catalog = fixture.Cluster.Client.GetGrain<IModelCatalogGrain>(RankingServiceCollectionExtensions.CatalogKey);
        try
        {
            Assert.Null((await catalog.ActivateAsync("two-tower-test-1", Ct)).Error);
            ImmutableArray<string> candidates = ["m4", "switch-2", "m8", "switch-1"];
            var response = await fixture.Cluster.Client.GetGrain<IRankingGrain>("items").RankAsync(
                new RankRequest(TestArtifact.User(2).ToImmutableDictionary(), ["m3", "m7"], candidates, candidates.Length), Ct);

            Assert.Equal("two-tower-test-1", response.ModelVersion);
            Assert.Empty(response.UnknownCandidates);
            AssertScores(Expected(fixture.TwoTowerDirectory, new() { ["switch-1"] = ([2, 1], 0), ["switch-2"] = ([1], 0) }, [], candidates), response);
        }
        finally
        {
            await catalog.ActivateAsync("fit-test-1", Ct);
        }
    }

    private IItemCatalogGrain Writer => fixture.Cluster.Client.GetGrain<IItemCatalogGrain>(0);

    private static ItemWrite Item(int index, string id, params (string Name, string[] Values)[] features) =>
        new(index, id, [.. features.Select(f => new ItemFeatureValues(f.Name, [.. f.Values]))]);

    private async Task<RankResponse> Rank(ImmutableArray<string> candidates, string version = "fit-test-1") =>
        await fixture.Cluster.Client.GetGrain<IRankingGrain>("items").RankAsync(
            new RankRequest(TestArtifact.User(2).ToImmutableDictionary(), ["m3", "m7"], candidates, candidates.Length, version), Ct);

    private static void AssertScores(RankOutcome expected, RankResponse actual)
    {
        Assert.Equal(expected.Items.Select(i => i.ItemKey), actual.Items.Select(i => i.ItemId));
        for (var i = 0; i < expected.Items.Count; i++)
        {
            Assert.Equal(expected.Items[i].Score, actual.Items[i].Score, 1e-4f);
        }
    }

    /// <summary>
    /// The in-process ranking of a catalog holding the artifact's rows minus <paramref name="deleted"/>, with the
    /// <paramref name="written"/> items' rows computed here by hand from the test item tower's weights (genre vocabulary
    /// indices, and the learned id kept for an exported id): e_c = Σ genre rows; heads = e_c·W + E[id]; for FIT the query
    /// index is the argmax of e_c·Q*ᵀ over the branches the artifact's items use.
    /// </summary>
    private static RankOutcome Expected(string directory, Dictionary<string, (int[] Genres, int ItemIndex)> written, string[] deleted, ImmutableArray<string> candidates)
    {
        var artifact = ModelArtifact.Load(directory);
        var dims = artifact.Manifest.Dims;
        var fit = artifact.Manifest.ModelKind == ModelKinds.Fit;
        var w = TestArtifact.ItemTowerWeightsOf(dims, fit ? "fit" : "two-tower");
        var used = artifact.ItemFile.UsedBranches.ToArray();
        var source = artifact.ItemFile.ReadShard(0, 1);
        var ids = new List<string>();
        var indices = new List<int>();
        var queryIndex = new List<ushort>();
        var heads = new List<float>();
        for (var r = 0; r < source.Count; r++)
        {
            var id = source.IdOf(r);
            if (deleted.Contains(id) || written.ContainsKey(id))
            {
                continue;
            }

            var row = new float[dims.ItemHeadSize];
            source.Items.CopyRow(r, row);
            ids.Add(id);
            indices.Add(source.ItemIndexOf(r));
            queryIndex.Add(source.Items.QueryIndex[r]);
            heads.AddRange(row);
        }

        var d = dims.ItemAttributeDim;
        foreach (var (id, (genres, itemIndex)) in written)
        {
            var e = new double[d];
            foreach (var g in genres)
            {
                for (var j = 0; j < d; j++)
                {
                    e[j] += w.GenreEmbedding[(g * d) + j];
                }
            }

            for (var c = 0; c < dims.ItemHeadSize; c++)
            {
                var sum = (double)w.ItemEmbedding[(itemIndex * dims.ItemHeadSize) + c];
                for (var j = 0; j < d; j++)
                {
                    sum += e[j] * w.HeadWeight[(j * dims.ItemHeadSize) + c];
                }

                heads.Add((float)sum);
            }

            var best = -1;
            var bestLogit = double.NegativeInfinity;
            foreach (var n in fit ? used : [(ushort)0])
            {
                var logit = 0.0;
                for (var j = 0; j < d; j++)
                {
                    logit += e[j] * w.QueryGroupT[(j * dims.MetaSize) + n];
                }

                if (logit > bestLogit)
                {
                    (best, bestLogit) = (n, logit);
                }
            }

            ids.Add(id);
            indices.Add(Math.Max(itemIndex, 1));
            queryIndex.Add((ushort)best);
        }

        var table = ItemTable.FromSingle(dims.ItemHeads, dims.HeadDim, fit ? dims.MetaSize : 1, [.. queryIndex], [.. heads]);
        var runtime = new ModelRuntime(artifact);
        using var ranker = new Ranker(runtime, [ItemShard.Create(ids, indices, table)], new RankingPlan(artifact.ItemFile.BucketCount, 1));
        return ranker.Rank(new RankQuery(TestArtifact.User(2), ["m3", "m7"], candidates, candidates.Length));
    }
}
