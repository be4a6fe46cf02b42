using Orleans.TestingHost;

namespace FitCluster.Grains.Tests;

/// <summary>Deploys the in-process test clusters the grain tests share: silos with the ranking service over an artifact store.</summary>
public static class TestClusters
{
    /// <summary>
    /// Deploys <paramref name="silos"/> silos configured by <typeparamref name="TConfigurator"/> serving
    /// <paramref name="artifactRoot"/>, with the <c>Ranking:</c> options in <paramref name="ranking"/> (name without the prefix).
    /// </summary>
    public static async Task<TestCluster> DeployAsync<TConfigurator>(
        short silos, string artifactRoot, IReadOnlyDictionary<string, string> ranking, CancellationToken cancellationToken = default)
        where TConfigurator : ISiloConfigurator, new()
    {
        ArgumentNullException.ThrowIfNull(ranking);
        var builder = new TestClusterBuilder(silos);
        builder.Properties["Ranking:ArtifactRoot"] = artifactRoot;
        foreach (var (name, value) in ranking)
        {
            builder.Properties[$"Ranking:{name}"] = value;
        }

        builder.AddSiloBuilderConfigurator<TConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync(cancellationToken);
        return cluster;
    }

    /// <summary>Stops every silo and releases the cluster.</summary>
    public static async Task StopAsync(TestCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }
}

/// <summary>A silo with the ranking service and in-memory grain storage as its <c>fitcluster</c> storage.</summary>
public sealed class MemoryStorageSilo : ISiloConfigurator
{
    /// <inheritdoc />
    public void Configure(ISiloBuilder siloBuilder)
    {
        ArgumentNullException.ThrowIfNull(siloBuilder);
        siloBuilder.AddMemoryGrainStorage(RankingServiceCollectionExtensions.StorageName);
        siloBuilder.Services.AddRanking();
    }
}
