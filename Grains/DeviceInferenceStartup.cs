using Microsoft.Extensions.Hosting;

namespace FitCluster.Grains;

/// <summary>Decides the execution provider when the silo starts (after option validation), so a CPU fallback is logged at start, not on the first request.</summary>
public sealed class DeviceInferenceStartup(DeviceInference device) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = device.Provider;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
