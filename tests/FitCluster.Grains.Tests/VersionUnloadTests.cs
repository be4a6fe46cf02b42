using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Tests;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FitCluster.Grains.Tests;

/// <summary>
/// A version that is neither active nor used is unloaded after <see cref="RankingOptions.UnloadAfter"/>: the silo's store
/// drops it and its shard activations deactivate; a request that names it later loads it again and is answered.
/// </summary>
public sealed class VersionUnloadTests
{
    [Fact]
    public async Task IdleNonActiveVersion_IsUnloadedWithItsShards_AndServedAgainOnDemand()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var root = new TempDirectory();
        TestArtifact.WriteFit(root.Combine("fit"), seed: 11);
        TestArtifact.WriteTwoTower(root.Combine("two-tower"), seed: 12);
        var cluster = await TestClusters.DeployAsync<MemoryStorageSilo>(1, root.Path, new Dictionary<string, string> { ["ShardCount"] = "3", ["DefaultModelVersion"] = "fit-test-1", ["UnloadAfter"] = "00:00:02" }, cancellationToken);
        try
        {
            var store = ((InProcessSiloHandle)cluster.Primary!).ServiceProvider.GetRequiredService<ModelStore>();
            var ranking = cluster.GrainFactory.GetGrain<IRankingGrain>("rank");
            var request = new RankRequest(TestArtifact.User(1).ToImmutableDictionary(), ["m2"], [.. Enumerable.Range(0, 12).Select(TestArtifact.ItemKey)], 3, "two-tower-test-1");
            Assert.Null((await ranking.RankAsync(request, cancellationToken)).Error);
            await ranking.RankAsync(request with { ModelVersion = null }, cancellationToken); // the active version, fit-test-1
            Assert.Equal(["fit-test-1", "two-tower-test-1"], store.LoadedVersions());
            Assert.Equal(6, await ShardActivationsAsync(cluster)); // 3 shards of each version

            // Keep the active version busy while the other one idles past UnloadAfter (2 s; checked every 1 s).
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while ((store.LoadedVersions().Count > 1 || await ShardActivationsAsync(cluster) > 3) && DateTime.UtcNow < deadline)
            {
                await ranking.RankAsync(request with { ModelVersion = null }, cancellationToken);
                await Task.Delay(250, cancellationToken);
            }

            Assert.Equal(["fit-test-1"], store.LoadedVersions());
            Assert.Equal(3, await ShardActivationsAsync(cluster)); // the active version's shards only

            var again = await ranking.RankAsync(request, cancellationToken);
            Assert.Null(again.Error);
            Assert.Equal("two-tower-test-1", again.ModelVersion);
            Assert.Equal(3, again.Items.Length);
        }
        finally
        {
            await TestClusters.StopAsync(cluster);
        }
    }

    // Item-shard activations across the cluster (both versions' shards share the grain type).
    private static async Task<int> ShardActivationsAsync(TestCluster cluster)
    {
        var statistics = await cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("ItemShard", StringComparison.OrdinalIgnoreCase)).Sum(s => s.ActivationCount);
    }
}
