namespace FitCluster.EndToEnd.Tests;

/// <summary>The container tests (Testcontainers) start deployments of their own; they run alone, like the silo-failure test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisContainerGroup
{
    /// <summary>Collection name.</summary>
    public const string Name = "redis-container";
}
