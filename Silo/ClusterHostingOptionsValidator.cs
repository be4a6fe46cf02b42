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
        if (options.Clustering is not ("localhost" or "redis"))
        {
            failures.Add($"Cluster:Clustering must be 'localhost' or 'redis', got '{options.Clustering}'.");
        }

        if (options.Clustering == "redis" && string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            failures.Add("Cluster:RedisConnectionString is required with redis clustering.");
        }

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
}
