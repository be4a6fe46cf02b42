namespace FitCluster.EndToEnd.Tests;

/// <summary>The API tests: one shared deployment for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterGroup : ICollectionFixture<ClusterFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "cluster";
}
