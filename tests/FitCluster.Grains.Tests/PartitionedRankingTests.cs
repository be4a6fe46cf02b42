using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using FitCluster.Model.Tests;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FitCluster.Grains.Tests;

[Collection(PartitionedClusterGroup.Name)]
public sealed class PartitionedRankingTests(PartitionedClusterFixture fixture)
{
    private const int Buckets = 16; // TestArtifact's item table

    [Theory]
    [InlineData(40, 2)]
    [InlineData(10, 3)]
    [InlineData(3, 5)]
    public async Task RankAsync_ThreeSilos_EqualsRankerOnPartitionedCatalog(int k, int user)
    {
        using var ranker = new Ranker(ModelArtifact.Load(fixture.Directory), shardCount: PartitionedClusterFixture.ShardCount);
        var features = TestArtifact.User(user % 3 + 1);
        string[] behaviours = ["m7", "gone", "m33", "m2", "m21"];
        // Every item once (tied twins m1/m21 … m12/m32 in both orders), with unknown ids among them.
        var candidates = Enumerable.Range(0, TestArtifact.ItemCount).Select(i => TestArtifact.ItemKey((i * 13 + user) % TestArtifact.ItemCount))
            .SelectMany((id, i) => i % 6 == 0 ? new[] { $"unknown-{i}", id } : [id]).ToImmutableArray();

        var expected = ranker.Rank(new RankQuery(features, behaviours, candidates, k));
        var response = await fixture.Cluster.GrainFactory.GetGrain<IRankingGrain>("partitioned")
            .RankAsync(new RankRequest(features.ToImmutableDictionary(), [.. behaviours], candidates, k), TestContext.Current.CancellationToken);

        Assert.Null(response.Error);
        Assert.Equal(expected.Items.Select(i => i.ItemKey), response.Items.Select(i => i.ItemId));
        for (var i = 0; i < expected.Items.Count; i++)
        {
            // The cluster splits the user tower over cores by branch range: the same arithmetic up to float rounding.
            Assert.Equal(expected.Items[i].Score, response.Items[i].Score, 1e-4f);
        }

        Assert.Equal(expected.UnknownCandidates, response.UnknownCandidates);
        Assert.Equal(candidates.Where(c => c.StartsWith("unknown-", StringComparison.Ordinal)), response.UnknownCandidates);
        Assert.Equal(["gone"], response.UnknownBehaviours);
        Assert.Equal((double)TestArtifact.ItemCount / candidates.Length, response.Coverage, 12);
        if (k == 40)
        {
            Assert.True(response.Items.Zip(response.Items.Skip(1)).Count(p => p.First.Score == p.Second.Score) >= 10, "the tied pairs must meet in the top-k");
        }
    }

    [Fact]
    public async Task ShardActivations_EachSiloReadsOnlyItsOwnShardsRows()
    {
        await ShardWarmup.WarmAsync(fixture.Cluster.GrainFactory, PartitionedClusterFixture.Version, PartitionedClusterFixture.ShardCount,
            TestContext.Current.CancellationToken);
        var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.Directory, "golden.json")));
        var goldenIds = golden.RootElement.GetProperty("requests").EnumerateArray()
            .SelectMany(r => r.GetProperty("candidates").EnumerateArray().Concat(r.GetProperty("behaviours").EnumerateArray()))
            .Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);

        var held = new Dictionary<int, int>();
        foreach (var store in fixture.Stores)
        {
            var shards = store.ShardsHeld().Where(s => s.Key.ModelVersion == PartitionedClusterFixture.Version).ToList();
            foreach (var ((_, shard), rows) in shards)
            {
                Assert.True(held.TryAdd(shard, rows), $"shard {shard} is held on two silos");
                Assert.Equal(OwnRows(shard), rows);
            }

            // Rows read into shards on this silo: exactly its own shards' rows; and the item table file on this silo has
            // materialized nothing else but the golden set's rows (the load-time check).
            var own = shards.Sum(s => s.Value);
            Assert.Equal(own, store.ShardRowsRead);
            if (store.LoadedVersions().Contains(PartitionedClusterFixture.Version))
            {
                Assert.Equal(own + goldenIds.Count, store.Get(PartitionedClusterFixture.Version).Artifact.ItemFile.RowsRead);
            }
        }

        Assert.Equal([0, 1, 2], held.Keys.Order());
        Assert.Equal(TestArtifact.ItemCount, held.Values.Sum());

        // The same numbers as a metric: each silo's fitcluster.shard.items gauge, summed over the cluster.
        foreach (var silo in fixture.Cluster.Silos)
        {
            ((InProcessSiloHandle)silo).ServiceProvider.GetRequiredService<RankingMetrics>();
        }

        long gauged = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "fitcluster.shard.items")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "model_version" && (string?)tag.Value == PartitionedClusterFixture.Version)
                {
                    gauged += value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(TestArtifact.ItemCount, gauged);
    }

    [Fact]
    public async Task RankAsync_WithBehaviours_NoSiloReadsTheWholeAttributeTensor()
    {
        // Behaviours on every shard, from several users (their user tower grains land on different silos).
        string[] behaviours = [.. Enumerable.Range(0, TestArtifact.SequenceLength).Select(i => TestArtifact.ItemKey((i * 7) + 3))];
        string[] candidates = [.. Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey)];
        for (var user = 1; user <= 3; user++)
        {
            var response = await fixture.Cluster.GrainFactory.GetGrain<IRankingGrain>("partitioned").RankAsync(
                new RankRequest(TestArtifact.User(user).ToImmutableDictionary(), [.. behaviours], [.. candidates], 5), TestContext.Current.CancellationToken);
            Assert.Null(response.Error);
            Assert.Empty(response.UnknownBehaviours);
        }

        var loaded = 0;
        foreach (var store in fixture.Stores.Where(s => s.LoadedVersions().Contains(PartitionedClusterFixture.Version)))
        {
            // Each silo's artifact left item.attributes out at load, and nothing read it since: the rows came from shards.
            var artifact = store.Get(PartitionedClusterFixture.Version).Artifact;
            Assert.False(artifact.Tensors.ContainsKey(ModelArtifact.AttributesTensor), "a silo loaded the whole item.attributes");
            Assert.Equal(0, artifact.DeferredTensorReads);
            loaded++;
        }

        Assert.Equal(3, loaded);
    }

    // The items of shard s by the test's own hash: FNV-1a (basis 2166136261, prime 16777619) of the UTF-8 id, mod B, mod S.
    private static int OwnRows(int shard) => Enumerable.Range(0, TestArtifact.ItemCount).Count(i =>
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(TestArtifact.ItemKey(i)))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash % Buckets % PartitionedClusterFixture.ShardCount == shard;
    });
}
