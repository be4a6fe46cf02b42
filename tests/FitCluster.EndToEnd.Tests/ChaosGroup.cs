namespace FitCluster.EndToEnd.Tests;

/// <summary>The chaos test kills, restarts and rolls out on a deployment of its own, alone, like the silo-failure test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosGroup
{
    /// <summary>Collection name.</summary>
    public const string Name = "chaos";
}
