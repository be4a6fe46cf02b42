using System.Runtime;

namespace FitCluster.Training.Runs;

/// <summary>
/// Keeps the .NET garbage collector (and so every finalizer) out of one training or evaluation step.
/// </summary>
/// <remarks>
/// TorchSharp frees the native object behind a <c>Scalar</c> it creates implicitly (its own layers and optimisers do
/// this on every call) only in the finalizer, and nothing keeps the wrapper alive while libtorch uses it: a GC during
/// the call lets the finalizer free it mid-call (dotnet/TorchSharp#1434). Seen here as libtorch errors "Expected false
/// to be true" / "Unknown scalar type" after thousands of steps. A step therefore starts after a collection with all
/// pending finalizers run, and runs inside a no-GC region, so nothing is finalized while native code runs.
/// </remarks>
public readonly struct GcPause : IDisposable
{
    // Managed allocation allowed inside one step (tensor wrappers, shapes); beyond it the runtime ends the region.
    private const long StepBudgetBytes = 64L << 20;

    private readonly bool _started;

    private GcPause(bool started)
    {
        _started = started;
    }

    /// <summary>Collects, runs pending finalizers, then enters a no-GC region until <see cref="Dispose"/>.</summary>
    public static GcPause Begin()
    {
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        return new GcPause(GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(StepBudgetBytes));
    }

    /// <summary>Leaves the no-GC region (if the runtime has not already ended it).</summary>
    public void Dispose()
    {
        if (_started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }
    }
}
