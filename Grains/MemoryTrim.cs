using System.Runtime;
using System.Runtime.InteropServices;

namespace FitCluster.Grains;

/// <summary>
/// Gives memory freed by an unloaded model version back to the operating system: a blocking, compacting, aggressive
/// garbage collection (the server GC otherwise keeps freed segments committed for reuse) and, on glibc, <c>malloc_trim</c>
/// (ONNX Runtime's freed native buffers otherwise stay in the process's malloc arenas). Unloads are rare (minutes apart
/// at most), so the pause is paid seldom; it is what lets resident memory fall back after a rollout, not just stop growing.
/// </summary>
public static class MemoryTrim
{
    private static bool s_mallocTrimMissing;

    /// <summary>Collects and trims; returns the resident bytes before and after (0 where the platform does not say).</summary>
    public static (long Before, long After) Run()
    {
        var before = Environment.WorkingSet;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        if (OperatingSystem.IsLinux() && !s_mallocTrimMissing)
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                s_mallocTrimMissing = true; // not glibc (e.g. musl): the GC's part still ran
            }
        }

        return (before, Environment.WorkingSet);
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in this project for one blittable call
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}
