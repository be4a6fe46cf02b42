using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FitCluster.Model.Numerics;

/// <summary>
/// The AVX-512 path of <see cref="Gemm.MultiplyAdd"/>: the same register-blocked product with 6 rows × 32 columns of c
/// in twelve <see cref="Vector512{T}"/> accumulators. On a core with full-width 512-bit FMA units (AMD Zen 5, recent
/// Intel server cores) that is twice the multiply-adds per instruction of the AVX2 kernel; the machine this was measured
/// on does 106 GMAC/s per core with 512-bit FMAs against 54 with 256-bit ones.
/// </summary>
/// <remarks>
/// Every element of c is computed exactly as the AVX2 kernel computes it, so both paths give the same bits and a model
/// scores the same on machines with and without AVX-512: the same k order per lane (even and odd partial sums for row
/// blocks of 1 to 3 rows, added before the odd tail), the same depth blocks when b is packed (at most 256 rows of b per
/// block, c accumulating across blocks), the same choice between packing and reading b in place (more than 6 rows), and
/// the tile of c added after the products. Columns past the last multiple of 32 run through the same kernel on a
/// zero-padded copy (<see cref="Tail512"/>).
/// </remarks>
public static partial class Gemm
{
    /// <summary>Columns of c held in registers by the AVX-512 micro-kernel: two <see cref="Vector512{T}"/>.</summary>
    private const int Avx512Columns = 32;

    /// <summary>
    /// Floats of b packed at a time by the AVX-512 path: 32 KiB of stack, so that its depth blocks (8192 / 32 = 256 rows
    /// of b) are the AVX2 path's (4096 / 16) and both sum in the same order.
    /// </summary>
    private const int Avx512PackedFloats = 2 * PackedFloats;

    /// <summary>Whether <see cref="MultiplyAdd"/> takes the AVX-512 path (hardware with AVX-512F that .NET accelerates).</summary>
    internal static readonly bool UseAvx512 = Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>
    /// The AVX-512 path of <see cref="MultiplyAdd"/> (same contract, same bits as <see cref="MultiplyAddFma(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int, Span{float})"/>).
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The machine lacks AVX-512F.</exception>
    internal static unsafe void MultiplyAddAvx512(
        ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> b, int columns, Span<float> c)
    {
        if (!Avx512F.IsSupported)
        {
            throw new PlatformNotSupportedException("AVX-512F is not available on this machine.");
        }

        CheckShapes(a.Length, rows, inner, b.Length, columns, c.Length);
        if (rows == 0 || inner == 0 || columns == 0)
        {
            return;
        }

        var wide = columns - (columns % Avx512Columns);
        fixed (float* aPtr = a)
        fixed (float* bPtr = b)
        fixed (float* cPtr = c)
        {
            if (wide > 0)
            {
                // One row block reads each panel once; a b of at most 16 KiB stays in L1 read in place (packing it
                // would only copy it): neither changes the sums, which run over the whole depth here (≤ 128 for a
                // small b, the same single block the AVX2 path packs).
                if (rows <= KernelRows || (long)inner * columns <= PackedFloats)
                {
                    RowBlocks512(aPtr, rows, inner, inner, bPtr, Avx512Columns, columns, wide / Avx512Columns, cPtr, columns);
                }
                else
                {
                    MultiplyAddPacked512(aPtr, rows, inner, bPtr, columns, wide, cPtr, columns);
                }
            }

            if (columns - wide >= Avx512Columns / 2 && (rows <= KernelRows || (long)inner * columns <= PackedFloats))
            {
                // A 16-column panel (a layer 16 wide, such as DIN's second attention layer) read in place: one vector per row.
                RowBlocks512x16(aPtr, rows, inner, bPtr + wide, columns, cPtr + wide, columns);
                wide += Avx512Columns / 2;
            }

            if (wide < columns)
            {
                if (rows <= KernelRows && inner > MaxPackedDepth)
                {
                    // The AVX2 path sums such a product over the whole depth at once, more than one packed block holds.
                    MultiplyAddFma(aPtr, rows, inner, bPtr + wide, columns, columns - wide, cPtr + wide, columns);
                }
                else
                {
                    Tail512(aPtr, rows, inner, bPtr + wide, columns, columns - wide, cPtr + wide, columns);
                }
            }
        }
    }

    /// <summary>Rows of b in one packed depth block, on both paths (<see cref="PackedFloats"/> / 16 = 8192 / 32).</summary>
    private const int MaxPackedDepth = Avx512PackedFloats / Avx512Columns;

    /// <summary>
    /// The last 1–31 columns: b's columns copied into a zero-padded [depth, 32] panel and each tile of c into a 32-wide
    /// buffer, so the full-width kernel runs with no masked loads or stores (AVX2's masked stores are slow on AMD cores,
    /// and the 12-column tail of a 300-wide layer took a fifth of its time). Depth blocks and row blocks are the AVX2
    /// path's, so the bits are too.
    /// </summary>
    [SkipLocalsInit]
    private static unsafe void Tail512(float* a, int rows, int inner, float* b, int ldb, int width, float* c, int ldc)
    {
        var storage = stackalloc float[Avx512PackedFloats + Avx512Columns];
        var panel = (float*)(((nint)storage + 63) & ~(nint)63);
        var tile = stackalloc float[KernelRows * Avx512Columns];
        var depthBlocks = rows <= KernelRows ? 1 : (inner + MaxPackedDepth - 1) / MaxPackedDepth;
        var depth = (inner + depthBlocks - 1) / depthBlocks;
        var bytes = (uint)(width * sizeof(float));
        var padding = (uint)((Avx512Columns - width) * sizeof(float));
        for (var k = 0; k < inner; k += depth)
        {
            var blockDepth = Math.Min(depth, inner - k);
            for (var kk = 0; kk < blockDepth; kk++)
            {
                var row = panel + (kk * Avx512Columns);
                Unsafe.CopyBlockUnaligned(row, b + ((long)(k + kk) * ldb), bytes);
                Unsafe.InitBlockUnaligned(row + width, 0, padding);
            }

            for (var i = 0; i < rows; i += KernelRows)
            {
                var r = Math.Min(KernelRows, rows - i);
                var cBlock = c + ((long)i * ldc);
                for (var rr = 0; rr < r; rr++)
                {
                    Unsafe.CopyBlockUnaligned(tile + (rr * Avx512Columns), cBlock + ((long)rr * ldc), bytes);
                    Unsafe.InitBlockUnaligned(tile + (rr * Avx512Columns) + width, 0, padding);
                }

                var aBlock = a + ((long)i * inner) + k;
                switch (r)
                {
                    case 1:
                        Kernel512<Rows1>(aBlock, inner, blockDepth, panel, Avx512Columns, tile, Avx512Columns);
                        break;
                    case 2:
                        Kernel512<Rows2>(aBlock, inner, blockDepth, panel, Avx512Columns, tile, Avx512Columns);
                        break;
                    case 3:
                        Kernel512<Rows3>(aBlock, inner, blockDepth, panel, Avx512Columns, tile, Avx512Columns);
                        break;
                    case 4:
                        Kernel512<Rows4>(aBlock, inner, blockDepth, panel, Avx512Columns, tile, Avx512Columns);
                        break;
                    case 5:
                        Kernel512<Rows5>(aBlock, inner, blockDepth, panel, Avx512Columns, tile, Avx512Columns);
                        break;
                    default:
                        Kernel512<Rows6>(aBlock, inner, blockDepth, panel, Avx512Columns, tile, Avx512Columns);
                        break;
                }

                for (var rr = 0; rr < r; rr++)
                {
                    Unsafe.CopyBlockUnaligned(cBlock + ((long)rr * ldc), tile + (rr * Avx512Columns), bytes);
                }
            }
        }
    }

    // MultiplyAddPacked with 32-column panels and no partial panel (width is a multiple of 32).
    [SkipLocalsInit]
    private static unsafe void MultiplyAddPacked512(float* a, int rows, int inner, float* b, int ldb, int width, float* c, int ldc)
    {
        var storage = stackalloc float[Avx512PackedFloats + Avx512Columns];
        var packed = (float*)(((nint)storage + 63) & ~(nint)63);

        var depthBlocks = (inner + MaxPackedDepth - 1) / MaxPackedDepth;
        var depth = (inner + depthBlocks - 1) / depthBlocks;
        var panelsPerStrip = Avx512PackedFloats / (Avx512Columns * depth);
        var stripColumns = panelsPerStrip * Avx512Columns;
        for (var k = 0; k < inner; k += depth)
        {
            var blockDepth = Math.Min(depth, inner - k);
            var panelFloats = Avx512Columns * blockDepth;
            var aBlock = a + k;
            var bBlock = b + ((long)k * ldb);
            for (var j = 0; j < width; j += stripColumns)
            {
                var panels = Math.Min(stripColumns, width - j) / Avx512Columns;
                PackStrip512(bBlock + j, ldb, blockDepth, panels, packed);
                RowBlocks512(aBlock, rows, inner, blockDepth, packed, panelFloats, Avx512Columns, panels, c + j, ldc);
            }
        }
    }

    // b[0..depth, 0..32·panels] (row stride ldb) into dense [depth, 32] panels laid end to end, read row by row.
    private static unsafe void PackStrip512(float* b, int ldb, int depth, int panels, float* packed)
    {
        const int W = 16; // lanes in a Vector512<float>
        var panelFloats = Avx512Columns * depth;
        for (var k = 0; k < depth; k++)
        {
            var source = b;
            var destination = packed;
            for (var p = 0; p < panels; p++)
            {
                Vector512.Load(source).StoreAligned(destination);
                Vector512.Load(source + W).StoreAligned(destination + W);
                source += Avx512Columns;
                destination += panelFloats;
            }

            b += ldb;
            packed += Avx512Columns;
        }
    }

    // c[0..rows, 0..32·panels] += a[0..rows, 0..depth] · panels: full blocks of 6 rows, then one block of the rest.
    private static unsafe void RowBlocks512(float* a, int rows, int lda, int depth, float* b, int panelStride, int ldb, int panels, float* c, int ldc)
    {
        var i = 0;
        for (; i + KernelRows <= rows; i += KernelRows)
        {
            RowBlock512<Rows6>(a + ((long)i * lda), lda, depth, b, panelStride, ldb, panels, c + ((long)i * ldc), ldc);
        }

        var aRest = a + ((long)i * lda);
        var cRest = c + ((long)i * ldc);
        switch (rows - i)
        {
            case 1:
                RowBlock512<Rows1>(aRest, lda, depth, b, panelStride, ldb, panels, cRest, ldc);
                break;
            case 2:
                RowBlock512<Rows2>(aRest, lda, depth, b, panelStride, ldb, panels, cRest, ldc);
                break;
            case 3:
                RowBlock512<Rows3>(aRest, lda, depth, b, panelStride, ldb, panels, cRest, ldc);
                break;
            case 4:
                RowBlock512<Rows4>(aRest, lda, depth, b, panelStride, ldb, panels, cRest, ldc);
                break;
            case 5:
                RowBlock512<Rows5>(aRest, lda, depth, b, panelStride, ldb, panels, cRest, ldc);
                break;
            default:
                break;
        }
    }

    private static unsafe void RowBlock512<TRows>(float* a, int lda, int depth, float* b, int panelStride, int ldb, int panels, float* c, int ldc)
        where TRows : struct, IRowCount
    {
        for (var p = 0; p < panels; p++)
        {
            Kernel512<TRows>(a, lda, depth, b, ldb, c, ldc);
            b += panelStride;
            c += Avx512Columns;
        }
    }

    /// <summary>
    /// c[0..R, 0..32] += a[0..R, 0..depth] · b[0..depth, 0..32] with the tile of c in registers, R = TRows.Count:
    /// <see cref="Kernel{TRows, TColumns}"/> with 16 lanes per vector, step for step.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no slow tier-0 code for a silo's first requests
    private static unsafe void Kernel512<TRows>(float* a, int lda, int depth, float* b, int ldb, float* c, int ldc)
        where TRows : struct, IRowCount
    {
        var r = TRows.Count;
        var split = r <= 3;
        const int W = 16; // lanes in a Vector512<float>

        float* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        float* a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;

        Vector512<float> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default;
        Vector512<float> s30 = default, s31 = default, s40 = default, s41 = default, s50 = default, s51 = default;

        var k = 0;
        var bk = b;
        if (split)
        {
            Vector512<float> t00 = default, t01 = default, t10 = default, t11 = default, t20 = default, t21 = default;
            for (; k + 1 < depth; k += 2)
            {
                var b0 = Vector512.Load(bk);
                var b1 = Vector512.Load(bk + W);
                var d0 = Vector512.Load(bk + ldb);
                var d1 = Vector512.Load(bk + ldb + W);
                bk += 2 * (long)ldb;

                var x = Vector512.Create(a0[k]);
                var y = Vector512.Create(a0[k + 1]);
                s00 = Avx512F.FusedMultiplyAdd(x, b0, s00);
                s01 = Avx512F.FusedMultiplyAdd(x, b1, s01);
                t00 = Avx512F.FusedMultiplyAdd(y, d0, t00);
                t01 = Avx512F.FusedMultiplyAdd(y, d1, t01);
                if (r > 1)
                {
                    x = Vector512.Create(a1[k]);
                    y = Vector512.Create(a1[k + 1]);
                    s10 = Avx512F.FusedMultiplyAdd(x, b0, s10);
                    s11 = Avx512F.FusedMultiplyAdd(x, b1, s11);
                    t10 = Avx512F.FusedMultiplyAdd(y, d0, t10);
                    t11 = Avx512F.FusedMultiplyAdd(y, d1, t11);
                }

                if (r > 2)
                {
                    x = Vector512.Create(a2[k]);
                    y = Vector512.Create(a2[k + 1]);
                    s20 = Avx512F.FusedMultiplyAdd(x, b0, s20);
                    s21 = Avx512F.FusedMultiplyAdd(x, b1, s21);
                    t20 = Avx512F.FusedMultiplyAdd(y, d0, t20);
                    t21 = Avx512F.FusedMultiplyAdd(y, d1, t21);
                }
            }

            s00 += t00;
            s01 += t01;
            if (r > 1)
            {
                s10 += t10;
                s11 += t11;
            }

            if (r > 2)
            {
                s20 += t20;
                s21 += t21;
            }
        }

        for (; k < depth; k++)
        {
            var b0 = Vector512.Load(bk);
            var b1 = Vector512.Load(bk + W);
            bk += ldb;

            var x = Vector512.Create(a0[k]);
            s00 = Avx512F.FusedMultiplyAdd(x, b0, s00);
            s01 = Avx512F.FusedMultiplyAdd(x, b1, s01);
            if (r > 1)
            {
                x = Vector512.Create(a1[k]);
                s10 = Avx512F.FusedMultiplyAdd(x, b0, s10);
                s11 = Avx512F.FusedMultiplyAdd(x, b1, s11);
            }

            if (r > 2)
            {
                x = Vector512.Create(a2[k]);
                s20 = Avx512F.FusedMultiplyAdd(x, b0, s20);
                s21 = Avx512F.FusedMultiplyAdd(x, b1, s21);
            }

            if (r > 3)
            {
                x = Vector512.Create(a3[k]);
                s30 = Avx512F.FusedMultiplyAdd(x, b0, s30);
                s31 = Avx512F.FusedMultiplyAdd(x, b1, s31);
            }

            if (r > 4)
            {
                x = Vector512.Create(a4[k]);
                s40 = Avx512F.FusedMultiplyAdd(x, b0, s40);
                s41 = Avx512F.FusedMultiplyAdd(x, b1, s41);
            }

            if (r > 5)
            {
                x = Vector512.Create(a5[k]);
                s50 = Avx512F.FusedMultiplyAdd(x, b0, s50);
                s51 = Avx512F.FusedMultiplyAdd(x, b1, s51);
            }
        }

        AddStore(c0, s00, s01);
        if (r > 1)
        {
            AddStore(c1, s10, s11);
        }

        if (r > 2)
        {
            AddStore(c2, s20, s21);
        }

        if (r > 3)
        {
            AddStore(c3, s30, s31);
        }

        if (r > 4)
        {
            AddStore(c4, s40, s41);
        }

        if (r > 5)
        {
            AddStore(c5, s50, s51);
        }
    }

    // c[0..rows, 0..16] += a · b[.., 0..16], b read in place: 6-row blocks, then one block of the rest.
    private static unsafe void RowBlocks512x16(float* a, int rows, int inner, float* b, int ldb, float* c, int ldc)
    {
        var i = 0;
        for (; i + KernelRows <= rows; i += KernelRows)
        {
            Kernel512x16<Rows6>(a + ((long)i * inner), inner, inner, b, ldb, c + ((long)i * ldc), ldc);
        }

        var aRest = a + ((long)i * inner);
        var cRest = c + ((long)i * ldc);
        switch (rows - i)
        {
            case 1:
                Kernel512x16<Rows1>(aRest, inner, inner, b, ldb, cRest, ldc);
                break;
            case 2:
                Kernel512x16<Rows2>(aRest, inner, inner, b, ldb, cRest, ldc);
                break;
            case 3:
                Kernel512x16<Rows3>(aRest, inner, inner, b, ldb, cRest, ldc);
                break;
            case 4:
                Kernel512x16<Rows4>(aRest, inner, inner, b, ldb, cRest, ldc);
                break;
            case 5:
                Kernel512x16<Rows5>(aRest, inner, inner, b, ldb, cRest, ldc);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// <see cref="Kernel512{TRows}"/> for one 16-column panel: one vector per row of c, the same steps per lane as the
    /// AVX2 kernel's two 8-lane vectors, so the same bits.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no slow tier-0 code for a silo's first requests
    private static unsafe void Kernel512x16<TRows>(float* a, int lda, int depth, float* b, int ldb, float* c, int ldc)
        where TRows : struct, IRowCount
    {
        var r = TRows.Count;
        float* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        float* a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default;
        var k = 0;
        var bk = b;
        if (r <= 3)
        {
            Vector512<float> t0 = default, t1 = default, t2 = default;
            for (; k + 1 < depth; k += 2)
            {
                var b0 = Vector512.Load(bk);
                var d0 = Vector512.Load(bk + ldb);
                bk += 2 * (long)ldb;
                s0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[k]), b0, s0);
                t0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[k + 1]), d0, t0);
                if (r > 1)
                {
                    s1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[k]), b0, s1);
                    t1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[k + 1]), d0, t1);
                }

                if (r > 2)
                {
                    s2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[k]), b0, s2);
                    t2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[k + 1]), d0, t2);
                }
            }

            s0 += t0;
            if (r > 1)
            {
                s1 += t1;
            }

            if (r > 2)
            {
                s2 += t2;
            }
        }

        for (; k < depth; k++)
        {
            var b0 = Vector512.Load(bk);
            bk += ldb;
            s0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[k]), b0, s0);
            if (r > 1)
            {
                s1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[k]), b0, s1);
            }

            if (r > 2)
            {
                s2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[k]), b0, s2);
            }

            if (r > 3)
            {
                s3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[k]), b0, s3);
            }

            if (r > 4)
            {
                s4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[k]), b0, s4);
            }

            if (r > 5)
            {
                s5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[k]), b0, s5);
            }
        }

        (s0 + Vector512.Load(c0)).Store(c0);
        if (r > 1)
        {
            (s1 + Vector512.Load(c1)).Store(c1);
        }

        if (r > 2)
        {
            (s2 + Vector512.Load(c2)).Store(c2);
        }

        if (r > 3)
        {
            (s3 + Vector512.Load(c3)).Store(c3);
        }

        if (r > 4)
        {
            (s4 + Vector512.Load(c4)).Store(c4);
        }

        if (r > 5)
        {
            (s5 + Vector512.Load(c5)).Store(c5);
        }
    }

    // c[0..32] = products + c: the products first, then c, as the AVX2 kernel adds them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddStore(float* c, Vector512<float> low, Vector512<float> high)
    {
        (low + Vector512.Load(c)).Store(c);
        (high + Vector512.Load(c + 16)).Store(c + 16);
    }
}
