using FitCluster.Client.Security;
using Microsoft.Extensions.Options;

namespace FitCluster.Client.Gateway;

/// <summary>Reports every invalid <see cref="GatewayOptions"/> value at once, at start-up.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxCandidates < 1)
        {
            failures.Add($"Gateway:MaxCandidates must be positive, got {options.MaxCandidates}.");
        }

        if (options.MaxK < 1)
        {
            failures.Add($"Gateway:MaxK must be positive, got {options.MaxK}.");
        }

        if (options.MaxBehaviours < 0)
        {
            failures.Add($"Gateway:MaxBehaviours must not be negative, got {options.MaxBehaviours}.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Gateway:RequestTimeout must be positive, got {options.RequestTimeout}.");
        }

        if (options.ItemWriteTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Gateway:ItemWriteTimeout must be positive, got {options.ItemWriteTimeout}.");
        }

        if (options.HedgeAfter is { } hedge && (hedge < TimeSpan.Zero || hedge >= options.RequestTimeout))
        {
            failures.Add($"Gateway:HedgeAfter must be 0 (off) or shorter than Gateway:RequestTimeout ({options.RequestTimeout}), got {hedge}.");
        }

        if (options.GatewayListRefreshPeriod <= TimeSpan.Zero)
        {
            failures.Add($"Gateway:GatewayListRefreshPeriod must be positive, got {options.GatewayListRefreshPeriod}.");
        }

        if (options.Clustering is not ("localhost" or "redis" or AzureStorageConnection.ClusteringName))
        {
            failures.Add($"Gateway:Clustering must be 'localhost', 'redis' or 'azure', got '{options.Clustering}'.");
        }

        if (options.Clustering == AzureStorageConnection.ClusteringName)
        {
            failures.AddRange(AzureStorageConnection.Problems($"Gateway:{nameof(options.AzureStorageConnectionString)}", options.AzureStorageConnectionString));
        }

        if (options.Clustering == "redis" && string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            failures.Add("Gateway:RedisConnectionString is required with redis clustering.");
        }

        failures.AddRange(ClusterTls.Problems($"{GatewayOptions.SectionName}:Tls", options.Tls));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
