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
        var builder = new TestClusterBuilder(3);
        builder.Properties["Ranking:ArtifactRoot"] = _store.Path;
        builder.Properties["Ranking:ShardCount"] = ShardCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Properties["Ranking:DefaultModelVersion"] = Version;
        builder.Properties["Ranking:MaxCandidates"] = "100";
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        _store.Dispose();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(RankingServiceCollectionExtensions.StorageName);
            siloBuilder.Services.AddRanking();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PartitionedClusterGroup : ICollectionFixture<PartitionedClusterFixture>
{
    public const string Name = "partitioned cluster";
}
