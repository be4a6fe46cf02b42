using FitCluster.Grains;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FitCluster.Silo;

/// <summary>
/// Ready when the artifact store lists at least one model version and the active one has been warmed. While it warms the
/// check is <see cref="HealthStatus.Degraded"/>, which <c>/health/ready</c> answers 503 like Unhealthy
/// (<see cref="SiloHostingExtensions.ReadinessStatusCodes"/>): a silo starting up is not an error, so each probe during
/// warm-up is logged as a warning, not as a failure.
/// </summary>
public sealed class ModelStoreHealthCheck(ModelStore store, ModelWarmupService warmup) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!warmup.Completion.IsCompleted)
        {
            return Task.FromResult(HealthCheckResult.Degraded("Warming the active model version."));
        }

        try
        {
            var versions = store.ListVersions();
            return Task.FromResult(versions.Length > 0
                ? HealthCheckResult.Healthy($"{versions.Length} model version(s); newest {versions[0].ModelVersion}")
                : HealthCheckResult.Unhealthy("The artifact store holds no model version."));
        }
        catch (IOException e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The artifact store is unreadable.", e));
        }
    }
}
