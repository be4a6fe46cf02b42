using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FitCluster.Model.Numerics;

/// <summary>
/// Software prefetch for reads at random positions of large arrays (a shard's id slots, ids and rows): issued a few
/// candidates ahead, or for a whole batch before a second pass, so the cache misses of many candidates overlap instead of
/// one waiting for the other. A prefetch never faults and changes no value; without SSE (not x86) it does nothing.
/// </summary>
internal static unsafe class Prefetch
{
    private const int LineBytes = 64;

    /// <summary>Prefetches the cache line holding <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Line<T>(ref readonly T value)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in value)));
        }
    }

    /// <summary>Prefetches every cache line of the <paramref name="bytes"/> bytes starting at <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Lines<T>(ref readonly T value, int bytes)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var start = (byte*)Unsafe.AsPointer(ref Unsafe.AsRef(in value));
        var end = start + bytes;
        for (var line = (byte*)((nuint)start & ~(nuint)(LineBytes - 1)); line < end; line += LineBytes)
        {
            Sse.Prefetch0(line);
        }
    }
}
