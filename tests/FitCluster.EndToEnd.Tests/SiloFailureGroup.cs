namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// The silo-failure test kills a silo, so it gets a deployment of its own; it runs alone (after the parallel
/// collections) so that the two deployments never compete for a 2-core machine's CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SiloFailureGroup : ICollectionFixture<ClusterFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "silo-failure";
}
