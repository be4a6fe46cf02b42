using FitCluster.Model;

namespace FitCluster.Grains;

/// <summary>
/// Probes the configured execution provider once per silo (<see cref="ExecutionProviderProbe"/>) and remembers the
/// answer: asked by the options validator at start and by <see cref="DeviceInference"/> when it decides.
/// </summary>
/// <remarks>Thread-safe singleton.</remarks>
public sealed class DeviceProbe
{
    private readonly Lock _lock = new();
    private string? _failure;
    private bool _probed;

    /// <summary>Why the provider <paramref name="options"/> ask for is unusable here, or null when it works (CPU always does).</summary>
    public string? Unavailable(InferenceServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_lock)
        {
            if (!_probed)
            {
                _failure = options.ExecutionProvider == ExecutionProvider.Cpu
                    ? null
                    : ExecutionProviderProbe.Probe(new InferenceOptions
                    {
                        ExecutionProvider = options.ExecutionProvider,
                        DeviceId = options.DeviceId,
                        IntraOpThreads = options.IntraOpThreads,
                    });
                _probed = true;
            }

            return _failure;
        }
    }
}
