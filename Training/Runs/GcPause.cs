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
/// <para>The region is process-wide, so steps on different threads (tests run in parallel; two models trained in one
/// process) take turns: a second thread's step used to run unprotected while the first held the region, and the first
/// thread's <see cref="GC.EndNoGCRegion"/> then let a collection into it (seen in CI as an export fixture failing
/// with "Expected false to be true" from <c>Scalar::toFloat</c>).</para>
/// </remarks>
public readonly struct GcPause : IDisposable
{
    // Managed allocation allowed inside one step, by every thread of the process together (the region is process-wide);
    // beyond it the runtime ends the region and a collection may run mid-step. 64 MB was too little where other work
    // shares the process (CI saw the Scalar race again while other test classes allocated); 1 GB costs the same per step
    // here (measured: FIT training throughput 14.2–14.4k samples/s with either). A heap too small for it (a hard limit)
    // falls back to the smaller budget.
    private const long StepBudgetBytes = 1L << 30;
    private const long SmallStepBudgetBytes = 64L << 20;
    private static long s_budget = StepBudgetBytes;

    // One step at a time in the process; re-entrant, so a step inside a step on the same thread just nests.
    private static readonly Lock s_gate = new();

    private readonly bool _started;
    private readonly bool _entered;

    private GcPause(bool started, bool entered)
    {
        _started = started;
        _entered = entered;
    }

    /// <summary>
    /// Waits for any other thread's step to end, collects, runs pending finalizers, then enters a no-GC region until
    /// <see cref="Dispose"/>, which must run on the same thread.
    /// </summary>
    public static GcPause Begin()
    {
        s_gate.Enter();
        try
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
            return new GcPause(GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && TryStartRegion(), entered: true);
        }
        catch
        {
            s_gate.Exit();
            throw;
        }
    }

    // Starts the no-GC region with the largest budget this heap accepts.
    private static bool TryStartRegion()
    {
        try
        {
            return GC.TryStartNoGCRegion(s_budget);
        }
        catch (ArgumentOutOfRangeException) when (s_budget > SmallStepBudgetBytes)
        {
            s_budget = SmallStepBudgetBytes; // more than this heap allows (GCHeapHardLimit): the small budget from now on
            return GC.TryStartNoGCRegion(s_budget);
        }
    }

    /// <summary>Leaves the no-GC region (if the runtime has not already ended it) and lets the next step start.</summary>
    public void Dispose()
    {
        if (_started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }

        if (_entered)
        {
            s_gate.Exit();
        }
    }
}
