using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FitCluster.Model.Numerics;

/// <summary>
/// Large row arrays a shard reads at random (heads, query and item indices, ids and their hash slots): allocated on the
/// pinned object heap (the GC never moves them, so a later compacting trim cannot undo the advice below) and, on Linux,
/// advised into transparent huge pages (<c>madvise(MADV_HUGEPAGE)</c>) before their first write. A shard of a 10M-item
/// catalog is gigabytes; with 4 KB pages nearly every candidate's row read misses the TLB as well as the cache, with
/// 2 MB pages the whole shard fits the second-level TLB. The advice is only a hint: where the kernel's THP mode is
/// <c>never</c>, on other systems or when it fails, the arrays are ordinary ones and everything works the same.
/// </summary>
internal static unsafe partial class HugePages
{
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE, Linux's asm-generic value on x86-64 and arm64
    private const nuint HugePageBytes = 2 * 1024 * 1024;
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Arrays at least this large are advised (a smaller one spans at most one whole huge page).</summary>
    internal const long MinimumBytes = 4 * 1024 * 1024;

    /// <summary>Huge-page ranges advised since start (tests and diagnostics).</summary>
    internal static long AdvisedRanges;

    /// <summary>
    /// A pinned array of <paramref name="length"/> elements whose contents the caller writes in full before reading
    /// (uninitialised where the runtime allows it), advised into huge pages when large enough.
    /// </summary>
    public static T[] Allocate<T>(long length)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"{length:N0} elements are more than one array holds.");
        }

        var array = GC.AllocateUninitializedArray<T>((int)length, pinned: true);
        Advise(array);
        return array;
    }

    private static void Advise<T>(T[] array)
        where T : unmanaged
    {
        var bytes = (nuint)((long)array.Length * sizeof(T));
        if (s_unavailable || bytes < MinimumBytes)
        {
            return;
        }

        // The pinned object heap never moves the array, so its address stays valid after this method.
        var start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        var first = (start + HugePageBytes - 1) & ~(HugePageBytes - 1);
        var last = (start + bytes) & ~(HugePageBytes - 1);
        if (last <= first)
        {
            return;
        }

        try
        {
            if (Madvise((void*)first, last - first, MadviseHugePage) == 0)
            {
                Interlocked.Increment(ref AdvisedRanges);
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
