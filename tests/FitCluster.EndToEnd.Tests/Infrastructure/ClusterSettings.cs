namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>Command-line arguments every silo, and the gateway, of a <see cref="ClusterProcesses"/> deployment get beside their defaults.</summary>
public sealed record ClusterSettings
{
    /// <summary>Azure Storage clustering (Azurite's tables), grain state in tables (see <see cref="AzureWith"/>).</summary>
    public static ClusterSettings Azure { get; } = new() { Clustering = "azure" };

    /// <summary>
    /// How the silos and the gateway form the cluster: <c>redis</c> (default) or <c>azure</c>; the deployment's
    /// connection string is passed as <c>RedisConnectionString</c> or <c>AzureStorageConnectionString</c> accordingly.
    /// </summary>
    public string Clustering { get; init; } = "redis";

    /// <summary>The connection string setting of <see cref="Clustering"/> (in <c>Cluster</c> and <c>Gateway</c> alike).</summary>
    public string ConnectionStringKey => Clustering == "azure" ? "AzureStorageConnectionString" : "RedisConnectionString";

    /// <summary>Azure Storage clustering with grain state in <paramref name="grainStorage"/> (<c>table</c> or <c>blob</c>).</summary>
    public static ClusterSettings AzureWith(string grainStorage) =>
        Azure with { SiloArguments = [$"--Cluster:AzureGrainStorage={grainStorage}"] };

    /// <summary>Added to every silo's command line (<c>--Cluster:Tls:Enabled=true</c>, ...).</summary>
    public IReadOnlyList<string> SiloArguments { get; init; } = [];

    /// <summary>Added to the gateway's command line.</summary>
    public IReadOnlyList<string> GatewayArguments { get; init; } = [];
}
