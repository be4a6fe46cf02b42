namespace FitCluster.EndToEnd.Tests;

/// <summary>The Testcontainers test starts a deployment of its own; it runs alone, like the silo-failure test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisContainerGroup
{
    /// <summary>Collection name.</summary>
    public const string Name = "redis-container";
}
