using FitCluster.Client.Gateway;
using FitCluster.Client.Security;
using Microsoft.Extensions.Options;

namespace FitCluster.Silo;

/// <summary>Reports every invalid <see cref="ClusterHostingOptions"/> value at once, at start-up.</summary>
public sealed class ClusterHostingOptionsValidator : IValidateOptions<ClusterHostingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ClusterHostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Clustering is not ("localhost" or "redis" or AzureStorageConnection.ClusteringName))
        {
            failures.Add($"Cluster:Clustering must be 'localhost', 'redis' or 'azure', got '{options.Clustering}'.");
        }

        if (options.Clustering == "redis" && string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            failures.Add("Cluster:RedisConnectionString is required with redis clustering.");
        }

        if (options.Clustering == AzureStorageConnection.ClusteringName)
        {
            failures.AddRange(AzureStorageConnection.Problems($"Cluster:{nameof(options.AzureStorageConnectionString)}", options.AzureStorageConnectionString));
        }

        if (options.AzureGrainStorage is not ("table" or "blob"))
        {
            failures.Add($"Cluster:AzureGrainStorage must be 'table' or 'blob', got '{options.AzureGrainStorage}'.");
        }

        failures.AddRange(DashboardProblems(options.Dashboard));

        foreach (var (label, port) in new[] { ("SiloPort", options.SiloPort), ("GatewayPort", options.GatewayPort), ("PrimarySiloPort", options.PrimarySiloPort) })
        {
            if (port is < 1 or > 65535)
            {
                failures.Add($"Cluster:{label} must be a TCP port, got {port}.");
            }
        }

        if (options.AdvertisedAddress is { } address && !System.Net.IPAddress.TryParse(address, out _))
        {
            failures.Add($"Cluster:AdvertisedAddress '{address}' is not an IP address.");
        }

        if (options.ListenAddress is { } listen && !System.Net.IPAddress.TryParse(listen, out _))
        {
            failures.Add($"Cluster:ListenAddress '{listen}' is not an IP address.");
        }

        failures.AddRange(ClusterTls.Problems($"{ClusterHostingOptions.SectionName}:Tls", options.Tls));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> DashboardProblems(DashboardHostingOptions dashboard)
    {
        if (dashboard is null)
        {
            yield break;
        }

        // A path of its own (never the root), so that the loopback gate covers exactly the dashboard's routes.
        if (string.IsNullOrWhiteSpace(dashboard.Path) || !dashboard.Path.StartsWith('/') || dashboard.Path.TrimEnd('/').Length == 0
            || dashboard.Path.Contains('?', StringComparison.Ordinal) || dashboard.Path.Contains('#', StringComparison.Ordinal))
        {
            yield return $"Cluster:Dashboard:Path must be a path below the root such as '/dashboard', got '{dashboard.Path}'.";
        }

        if (dashboard.CounterUpdateIntervalMs < 100)
        {
            yield return $"Cluster:Dashboard:CounterUpdateIntervalMs must be at least 100, got {dashboard.CounterUpdateIntervalMs}.";
        }
    }
}
