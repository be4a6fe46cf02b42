namespace FitCluster.EndToEnd.Tests;

/// <summary>The deadline test freezes and kills a silo: a deployment of its own, run alone (after the parallel collections).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DeadlineGroup : ICollectionFixture<TwoSiloClusterFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "deadline";
}
