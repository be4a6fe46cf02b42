namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// Tests that start deployments of their own (listen addresses, TLS, a rolling upgrade): they run alone, one at a time,
/// so that their processes never compete with another deployment for a 2-core machine's CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterOperationsGroup
{
    /// <summary>Collection name.</summary>
    public const string Name = "cluster-operations";
}
