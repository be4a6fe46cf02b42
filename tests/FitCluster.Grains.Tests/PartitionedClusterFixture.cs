using FitCluster.Model.Tests;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FitCluster.Grains.Tests;

/// <summary>
/// Three in-process silos serving one FIT artifact whose catalog has exact ties (12 pairs of items with equal heads and
/// query index) over three shards, so that shards and silos are separate and each silo's own store can be inspected.
/// </summary>
public sealed class PartitionedClusterFixture : IAsyncLifetime
{
    public const string Version = "fit-ties-1";
    public const int ShardCount = 3;
    private readonly TempDirectory _store = new();

    public TestCluster Cluster { get; private set; } = null!;

    public string Directory => _store.Combine("fit-ties");

    /// <summary>Each silo's own model store.</summary>
    public IEnumerable<ModelStore> Stores => Cluster.Silos.Select(s => ((InProcessSiloHandle)s).ServiceProvider.GetRequiredService<ModelStore>());

    public async ValueTask InitializeAsync()
    {
        TestArtifact.WriteFit(Directory, seed: 13, version: Version, tiedPairs: 12);
        Cluster = await TestClusters.DeployAsync<MemoryStorageSilo>(3, _store.Path, new Dictionary<string, string>
        {
            ["ShardCount"] = ShardCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DefaultModelVersion"] = Version,
            ["MaxCandidates"] = "100",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await TestClusters.StopAsync(Cluster);
        _store.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PartitionedClusterGroup : ICollectionFixture<PartitionedClusterFixture>
{
    public const string Name = "partitioned cluster";
}
