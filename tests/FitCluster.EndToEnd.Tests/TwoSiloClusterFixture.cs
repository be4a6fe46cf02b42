namespace FitCluster.EndToEnd.Tests;

/// <summary>A deployment of two silos and the gateway, for a test that takes one silo away.</summary>
public sealed class TwoSiloClusterFixture : ClusterFixture
{
    /// <summary>Creates the fixture.</summary>
    public TwoSiloClusterFixture()
        : base(2)
    {
    }
}
