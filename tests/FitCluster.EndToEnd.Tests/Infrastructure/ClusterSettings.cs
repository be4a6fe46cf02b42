namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>Command-line arguments every silo, and the gateway, of a <see cref="ClusterProcesses"/> deployment get beside their defaults.</summary>
public sealed record ClusterSettings
{
    /// <summary>Added to every silo's command line (<c>--Cluster:Tls:Enabled=true</c>, ...).</summary>
    public IReadOnlyList<string> SiloArguments { get; init; } = [];

    /// <summary>Added to the gateway's command line.</summary>
    public IReadOnlyList<string> GatewayArguments { get; init; } = [];
}
