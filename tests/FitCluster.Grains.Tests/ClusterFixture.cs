using FitCluster.Model.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FitCluster.Grains.Tests;

/// <summary>
/// An in-process Orleans test cluster of three silos serving an artifact store with two model versions (a FIT and a
/// Two-Tower, seeded random weights) over three shards.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _store = new();

    public TestCluster Cluster { get; private set; } = null!;

    public string ArtifactRoot => _store.Path;

    public string FitDirectory => _store.Combine("fit");

    public string TwoTowerDirectory => _store.Combine("two-tower");

    public async ValueTask InitializeAsync()
    {
        TestArtifact.WriteFit(FitDirectory, seed: 11);
        TestArtifact.WriteTwoTower(TwoTowerDirectory, seed: 12);
        var builder = new TestClusterBuilder(3);
        builder.Properties["Ranking:ArtifactRoot"] = ArtifactRoot;
        builder.Properties["Ranking:ShardCount"] = "3";
        builder.Properties["Ranking:DefaultModelVersion"] = "fit-test-1";
        builder.Properties["Ranking:MaxCandidates"] = "30";
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
        private const string MemoryStorageName = "memory";

        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(MemoryStorageName);
            siloBuilder.Services.AddGrainStorage(RankingServiceCollectionExtensions.StorageName, (services, _) =>
                new PoisonedWritesStorage(services.GetRequiredKeyedService<IGrainStorage>(MemoryStorageName)));
            siloBuilder.Services.AddRanking();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterGroup : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
