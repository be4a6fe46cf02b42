using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FitCluster.Model.Numerics;

/// <summary>
/// Single-precision matrix multiply-accumulate over contiguous row-major spans: the dense layers of the
/// user and item towers and the LSS kernels.
/// </summary>
/// <remarks>
/// Stateless and thread-safe; never allocates on the heap (at most 32 KiB of stack). With AVX-512 the product runs
/// through a 6 × 32 micro-kernel (Gemm.Avx512.cs) that gives the same bits as the AVX2 one. With AVX2 and FMA the
/// product runs through a register-blocked micro-kernel: 6 rows × 16 columns of <c>c</c> held in twelve
/// <see cref="Vector256{T}"/> accumulators, with b packed into stack scratch when more than 6 rows reuse it.
/// Elsewhere it falls back to <see cref="TensorPrimitives"/>, one row of <c>c</c> at a time. Results may differ
/// from a scalar loop in the last bits because FMA rounds once per step and sums in a different order.
/// </remarks>
public static partial class Gemm
{
    /// <summary>Rows of <c>c</c> held in registers by the micro-kernel.</summary>
    private const int KernelRows = 6;

    /// <summary>Columns of <c>c</c> held in registers by the micro-kernel: two <see cref="Vector256{T}"/>.</summary>
    private const int KernelColumns = 16;

    /// <summary>Floats of b packed at a time: 16 KiB of stack, half of a 32 KiB L1; at most 256 rows of one panel.</summary>
    private const int PackedFloats = 4096;

    /// <summary>
    /// c += a · b, where a is [<paramref name="rows"/>, <paramref name="inner"/>], b is
    /// [<paramref name="inner"/>, <paramref name="columns"/>] and c is [<paramref name="rows"/>,
    /// <paramref name="columns"/>], all row-major and contiguous.
    /// </summary>
    /// <param name="a">Left operand, row-major [rows, inner]; for a dense layer, the batch of inputs.</param>
    /// <param name="rows">Rows of <paramref name="a"/> and <paramref name="c"/>; 0 is allowed.</param>
    /// <param name="inner">Columns of <paramref name="a"/>, rows of <paramref name="b"/>; 0 leaves c unchanged.</param>
    /// <param name="b">Right operand, row-major [inner, columns]; for a dense layer, the weight transposed to [in, out].</param>
    /// <param name="columns">Columns of <paramref name="b"/> and <paramref name="c"/>.</param>
    /// <param name="c">
    /// Accumulator, row-major [rows, columns]; the caller initialises it (bias rows or zeros). Must not overlap
    /// <paramref name="a"/> or <paramref name="b"/>.
    /// </param>
    /// <exception cref="ArgumentException">A span length does not match the shape, or a dimension is negative.</exception>
    public static void MultiplyAdd(
        ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> b, int columns, Span<float> c)
    {
        CheckShapes(a.Length, rows, inner, b.Length, columns, c.Length);
        if (rows == 0 || inner == 0 || columns == 0)
        {
            return;
        }

        if (UseAvx512 && columns >= Avx512Columns / 2)
        {
            MultiplyAddAvx512(a, rows, inner, b, columns, c);
        }
        else if (Fma.IsSupported && Vector256.IsHardwareAccelerated)
        {
            MultiplyAddFma(a, rows, inner, b, columns, c);
        }
        else
        {
            MultiplyAddPortable(a, rows, inner, b, columns, c);
        }
    }

    /// <summary>Plain scalar triple loop with the contract of <see cref="MultiplyAdd"/>; the oracle for tests.</summary>
    internal static void MultiplyAddReference(
        ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> b, int columns, Span<float> c)
    {
        CheckShapes(a.Length, rows, inner, b.Length, columns, c.Length);
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                var sum = c[(i * columns) + j];
                for (var k = 0; k < inner; k++)
                {
                    sum += a[(i * inner) + k] * b[(k * columns) + j];
                }

                c[(i * columns) + j] = sum;
            }
        }
    }

    /// <summary>The fallback without AVX2/FMA: one vectorised axpy per (row, k), still allocation-free.</summary>
    internal static void MultiplyAddPortable(
        ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> b, int columns, Span<float> c)
    {
        for (var i = 0; i < rows; i++)
        {
            var cRow = c.Slice(i * columns, columns);
            var aRow = a.Slice(i * inner, inner);
            for (var k = 0; k < inner; k++)
            {
                TensorPrimitives.MultiplyAdd(b.Slice(k * columns, columns), aRow[k], cRow, cRow);
            }
        }
    }

    private static void CheckShapes(int aLength, int rows, int inner, int bLength, int columns, int cLength)
    {
        // long products: a shape whose element count overflows int can never match a span length.
        if (rows < 0 || inner < 0 || columns < 0
            || aLength != (long)rows * inner
            || bLength != (long)inner * columns
            || cLength != (long)rows * columns)
        {
            ThrowShapeMismatch(aLength, rows, inner, bLength, columns, cLength);
        }
    }

    [DoesNotReturn]
    private static void ThrowShapeMismatch(int aLength, int rows, int inner, int bLength, int columns, int cLength) =>
        throw new ArgumentException(
            $"Gemm shapes do not match: a has {aLength} elements for [{rows}, {inner}], b has {bLength} for " +
            $"[{inner}, {columns}], c has {cLength} for [{rows}, {columns}].");

    /// <summary>The AVX2 path of <see cref="MultiplyAdd"/> whatever the hardware (tests compare it with the AVX-512 path).</summary>
    internal static unsafe void MultiplyAddFma(
        ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> b, int columns, Span<float> c)
    {
        CheckShapes(a.Length, rows, inner, b.Length, columns, c.Length);
        if (rows == 0 || inner == 0 || columns == 0)
        {
            return;
        }

        fixed (float* aPtr = a)
        fixed (float* bPtr = b)
        fixed (float* cPtr = c)
        {
            MultiplyAddFma(aPtr, rows, inner, bPtr, columns, columns, cPtr, columns);
        }
    }

    /// <summary>
    /// c[0..rows, 0..width] += a · b[0..inner, 0..width] with AVX2, where rows of b are <paramref name="ldb"/> floats
    /// apart and rows of c <paramref name="ldc"/>: the whole product, or the last columns the AVX-512 path leaves.
    /// </summary>
    [SkipLocalsInit]
    private static unsafe void MultiplyAddFma(float* a, int rows, int inner, float* b, int ldb, int width, float* c, int ldc)
    {
        var tail = width % KernelColumns;
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var masks = new TailMasks(
            Vector256.LessThan(lane, Vector256.Create(tail)).AsSingle(),
            Vector256.LessThan(lane, Vector256.Create(tail - Vector256<float>.Count)).AsSingle());

        if (rows <= KernelRows)
        {
            // One row block reads each panel of b once, so packing would only add traffic: read b in place.
            var strip = new Strip(b, KernelColumns, ldb, width / KernelColumns, tail > 0, masks);
            RowBlocks<MaskedColumns>(a, rows, inner, inner, strip, c, ldc);
            return;
        }

        MultiplyAddPacked(a, rows, inner, b, ldb, width, c, ldc, masks);
    }

    /// <summary>
    /// Several row blocks reuse each panel of b, so b is copied, a strip of panels at a time, into contiguous,
    /// 64-byte-aligned stack scratch, zero-padded past the last column. Read in place, a panel's rows sit one row
    /// of b apart and, for power-of-two widths such as 128 or 4096, fall into the same few L1 sets and evict each
    /// other between row blocks. The packed strip stays in L1 while every row block of a streams past it, and c
    /// is walked a strip-wide stretch of each row at a time. Depth is split into equal blocks of at most
    /// <see cref="PackedFloats"/> / 16 rows of b; c accumulates across them.
    /// </summary>
    [SkipLocalsInit]
    private static unsafe void MultiplyAddPacked(
        float* a, int rows, int inner, float* b, int ldb, int width, float* c, int ldc, TailMasks masks)
    {
        var storage = stackalloc float[PackedFloats + KernelColumns];
        var packed = (float*)(((nint)storage + 63) & ~(nint)63);

        const int MaxDepth = PackedFloats / KernelColumns;
        var depthBlocks = (inner + MaxDepth - 1) / MaxDepth;
        var depth = (inner + depthBlocks - 1) / depthBlocks;
        var panelsPerStrip = PackedFloats / (KernelColumns * depth);
        var stripColumns = panelsPerStrip * KernelColumns;
        for (var k = 0; k < inner; k += depth)
        {
            var blockDepth = Math.Min(depth, inner - k);
            var panelFloats = KernelColumns * blockDepth;
            var aBlock = a + k;
            var bBlock = b + ((long)k * ldb);
            for (var j = 0; j < width; j += stripColumns)
            {
                var stripWidth = Math.Min(stripColumns, width - j);
                var fullPanels = stripWidth / KernelColumns;
                var hasTail = stripWidth % KernelColumns > 0;
                PackStrip(bBlock + j, ldb, blockDepth, fullPanels, hasTail, packed, masks);
                var strip = new Strip(packed, panelFloats, KernelColumns, fullPanels, hasTail, masks);
                RowBlocks<PackedTailColumns>(aBlock, rows, inner, blockDepth, strip, c + j, ldc);
            }
        }
    }

    /// <summary>
    /// Copies b[0..depth, 0..width] (row stride <paramref name="ldb"/>) into dense [depth, 16] panels laid end to
    /// end, the partial panel zero-padded. Row by row, so that b is read sequentially: read panel by panel, every
    /// access is one row of b apart, and for power-of-two widths those rows share an L1 set and evict the cache
    /// line that the next panel was about to read.
    /// </summary>
    private static unsafe void PackStrip(
        float* b, int ldb, int depth, int fullPanels, bool hasTail, float* packed, TailMasks masks)
    {
        const int W = 8; // lanes in a Vector256<float>
        var panelFloats = KernelColumns * depth;
        for (var k = 0; k < depth; k++)
        {
            var source = b;
            var destination = packed;
            for (var p = 0; p < fullPanels; p++)
            {
                Vector256.Load(source).StoreAligned(destination);
                Vector256.Load(source + W).StoreAligned(destination + W);
                source += KernelColumns;
                destination += panelFloats;
            }

            if (hasTail)
            {
                Avx.MaskLoad(source, masks.Low).StoreAligned(destination);
                Avx.MaskLoad(source + W, masks.High).StoreAligned(destination + W);
            }

            b += ldb;
            packed += KernelColumns;
        }
    }

    /// <summary>c[0..rows, strip] += a[0..rows, 0..depth] · strip: full blocks of 6 rows, then one block of the rest.</summary>
    private static unsafe void RowBlocks<TTail>(float* a, int rows, int lda, int depth, in Strip strip, float* c, int ldc)
        where TTail : struct, IColumnAccess
    {
        var i = 0;
        for (; i + KernelRows <= rows; i += KernelRows)
        {
            RowBlock<Rows6, TTail>(a + ((long)i * lda), lda, depth, strip, c + ((long)i * ldc), ldc);
        }

        var aRest = a + ((long)i * lda);
        var cRest = c + ((long)i * ldc);
        switch (rows - i)
        {
            case 1:
                RowBlock<Rows1, TTail>(aRest, lda, depth, strip, cRest, ldc);
                break;
            case 2:
                RowBlock<Rows2, TTail>(aRest, lda, depth, strip, cRest, ldc);
                break;
            case 3:
                RowBlock<Rows3, TTail>(aRest, lda, depth, strip, cRest, ldc);
                break;
            case 4:
                RowBlock<Rows4, TTail>(aRest, lda, depth, strip, cRest, ldc);
                break;
            case 5:
                RowBlock<Rows5, TTail>(aRest, lda, depth, strip, cRest, ldc);
                break;
            default:
                break;
        }
    }

    /// <summary>One block of R rows of c across every panel of the strip, left to right.</summary>
    private static unsafe void RowBlock<TRows, TTail>(float* a, int lda, int depth, in Strip strip, float* c, int ldc)
        where TRows : struct, IRowCount
        where TTail : struct, IColumnAccess
    {
        var b = strip.B;
        var allLanes = Vector256<float>.AllBitsSet;
        for (var p = 0; p < strip.FullPanels; p++)
        {
            Kernel<TRows, FullColumns>(a, lda, depth, b, strip.Ldb, c, ldc, allLanes, allLanes);
            b += strip.PanelStride;
            c += KernelColumns;
        }

        if (strip.HasTail)
        {
            Kernel<TRows, TTail>(a, lda, depth, b, strip.Ldb, c, ldc, strip.Masks.Low, strip.Masks.High);
        }
    }

    /// <summary>
    /// c[0..R, 0..16] += a[0..R, 0..depth] · b[0..depth, 0..16] with the tile of c in registers, R = TRows.Count;
    /// rows of a, b and c are lda, ldb and ldc floats apart.
    /// </summary>
    /// <remarks>
    /// TRows and TColumns are structs, so the JIT compiles one copy per pair with R a constant: the
    /// <c>if (r &gt; n)</c> guards fold away and unused accumulators vanish. Two FMA pipes with a latency of four
    /// cycles need about eight independent chains; six rows give twelve, and rows 1 to 3 split k into even and odd
    /// chains to get closer (4, 8, 12).
    /// </remarks>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no slow tier-0 code for a silo's first requests
    private static unsafe void Kernel<TRows, TColumns>(
        float* a,
        int lda,
        int depth,
        float* b,
        int ldb,
        float* c,
        int ldc,
        Vector256<float> mask0,
        Vector256<float> mask1)
        where TRows : struct, IRowCount
        where TColumns : struct, IColumnAccess
    {
        var r = TRows.Count;
        var split = r <= 3;
        const int W = 8; // lanes in a Vector256<float>

        float* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        float* a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;

        // Accumulators start at zero and c is added at the end: the FMA chains start at once instead of waiting
        // for the tile of c, which for wide c (50 x 4096) comes from L3 on every tile.
        Vector256<float> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default;
        Vector256<float> s30 = default, s31 = default, s40 = default, s41 = default, s50 = default, s51 = default;

        var k = 0;
        var bk = b;
        if (split)
        {
            // Odd-k partial sums for short row blocks; rows 4-6 already have 8-12 independent chains.
            Vector256<float> t00 = default, t01 = default, t10 = default, t11 = default, t20 = default, t21 = default;
            for (; k + 1 < depth; k += 2)
            {
                var b0 = TColumns.LoadB(bk, mask0);
                var b1 = TColumns.LoadB(bk + W, mask1);
                var d0 = TColumns.LoadB(bk + ldb, mask0);
                var d1 = TColumns.LoadB(bk + ldb + W, mask1);
                bk += 2 * (long)ldb;

                var x = Vector256.Create(a0[k]);
                var y = Vector256.Create(a0[k + 1]);
                s00 = Fma.MultiplyAdd(x, b0, s00);
                s01 = Fma.MultiplyAdd(x, b1, s01);
                t00 = Fma.MultiplyAdd(y, d0, t00);
                t01 = Fma.MultiplyAdd(y, d1, t01);
                if (r > 1)
                {
                    x = Vector256.Create(a1[k]);
                    y = Vector256.Create(a1[k + 1]);
                    s10 = Fma.MultiplyAdd(x, b0, s10);
                    s11 = Fma.MultiplyAdd(x, b1, s11);
                    t10 = Fma.MultiplyAdd(y, d0, t10);
                    t11 = Fma.MultiplyAdd(y, d1, t11);
                }

                if (r > 2)
                {
                    x = Vector256.Create(a2[k]);
                    y = Vector256.Create(a2[k + 1]);
                    s20 = Fma.MultiplyAdd(x, b0, s20);
                    s21 = Fma.MultiplyAdd(x, b1, s21);
                    t20 = Fma.MultiplyAdd(y, d0, t20);
                    t21 = Fma.MultiplyAdd(y, d1, t21);
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
            var b0 = TColumns.LoadB(bk, mask0);
            var b1 = TColumns.LoadB(bk + W, mask1);
            bk += ldb;

            var x = Vector256.Create(a0[k]);
            s00 = Fma.MultiplyAdd(x, b0, s00);
            s01 = Fma.MultiplyAdd(x, b1, s01);
            if (r > 1)
            {
                x = Vector256.Create(a1[k]);
                s10 = Fma.MultiplyAdd(x, b0, s10);
                s11 = Fma.MultiplyAdd(x, b1, s11);
            }

            if (r > 2)
            {
                x = Vector256.Create(a2[k]);
                s20 = Fma.MultiplyAdd(x, b0, s20);
                s21 = Fma.MultiplyAdd(x, b1, s21);
            }

            if (r > 3)
            {
                x = Vector256.Create(a3[k]);
                s30 = Fma.MultiplyAdd(x, b0, s30);
                s31 = Fma.MultiplyAdd(x, b1, s31);
            }

            if (r > 4)
            {
                x = Vector256.Create(a4[k]);
                s40 = Fma.MultiplyAdd(x, b0, s40);
                s41 = Fma.MultiplyAdd(x, b1, s41);
            }

            if (r > 5)
            {
                x = Vector256.Create(a5[k]);
                s50 = Fma.MultiplyAdd(x, b0, s50);
                s51 = Fma.MultiplyAdd(x, b1, s51);
            }
        }

        s00 += TColumns.LoadC(c0, mask0);
        s01 += TColumns.LoadC(c0 + W, mask1);
        if (r > 1)
        {
            s10 += TColumns.LoadC(c1, mask0);
            s11 += TColumns.LoadC(c1 + W, mask1);
        }

        if (r > 2)
        {
            s20 += TColumns.LoadC(c2, mask0);
            s21 += TColumns.LoadC(c2 + W, mask1);
        }

        if (r > 3)
        {
            s30 += TColumns.LoadC(c3, mask0);
            s31 += TColumns.LoadC(c3 + W, mask1);
        }

        if (r > 4)
        {
            s40 += TColumns.LoadC(c4, mask0);
            s41 += TColumns.LoadC(c4 + W, mask1);
        }

        if (r > 5)
        {
            s50 += TColumns.LoadC(c5, mask0);
            s51 += TColumns.LoadC(c5 + W, mask1);
        }

        TColumns.StoreC(c0, mask0, s00);
        TColumns.StoreC(c0 + W, mask1, s01);
        if (r > 1)
        {
            TColumns.StoreC(c1, mask0, s10);
            TColumns.StoreC(c1 + W, mask1, s11);
        }

        if (r > 2)
        {
            TColumns.StoreC(c2, mask0, s20);
            TColumns.StoreC(c2 + W, mask1, s21);
        }

        if (r > 3)
        {
            TColumns.StoreC(c3, mask0, s30);
            TColumns.StoreC(c3 + W, mask1, s31);
        }

        if (r > 4)
        {
            TColumns.StoreC(c4, mask0, s40);
            TColumns.StoreC(c4 + W, mask1, s41);
        }

        if (r > 5)
        {
            TColumns.StoreC(c5, mask0, s50);
            TColumns.StoreC(c5 + W, mask1, s51);
        }
    }

    /// <summary>Lane masks of the last, partial panel: <see cref="Low"/> for its first 8 columns, <see cref="High"/> for the next 8.</summary>
    private readonly record struct TailMasks(Vector256<float> Low, Vector256<float> High);

    /// <summary>
    /// Consecutive 16-column panels of b: panel p starts at <see cref="B"/> + p · <see cref="PanelStride"/>, its
    /// rows <see cref="Ldb"/> floats apart; a partial panel follows the full ones when <see cref="HasTail"/>.
    /// </summary>
    private readonly unsafe struct Strip(float* b, int panelStride, int ldb, int fullPanels, bool hasTail, TailMasks masks)
    {
        public float* B { get; } = b;

        public int PanelStride { get; } = panelStride;

        public int Ldb { get; } = ldb;

        public int FullPanels { get; } = fullPanels;

        public bool HasTail { get; } = hasTail;

        public TailMasks Masks { get; } = masks;
    }

    /// <summary>Compile-time row count of a micro-kernel instantiation.</summary>
    private interface IRowCount
    {
        static abstract int Count { get; }
    }

    private readonly struct Rows1 : IRowCount
    {
        public static int Count => 1;
    }

    private readonly struct Rows2 : IRowCount
    {
        public static int Count => 2;
    }

    private readonly struct Rows3 : IRowCount
    {
        public static int Count => 3;
    }

    private readonly struct Rows4 : IRowCount
    {
        public static int Count => 4;
    }

    private readonly struct Rows5 : IRowCount
    {
        public static int Count => 5;
    }

    private readonly struct Rows6 : IRowCount
    {
        public static int Count => KernelRows;
    }

    /// <summary>How a micro-kernel reads eight floats of a row of b, and reads and writes eight of a row of c.</summary>
    private unsafe interface IColumnAccess
    {
        static abstract Vector256<float> LoadB(float* source, Vector256<float> mask);

        static abstract Vector256<float> LoadC(float* source, Vector256<float> mask);

        static abstract void StoreC(float* destination, Vector256<float> mask, Vector256<float> value);
    }

    /// <summary>A panel of 16 columns inside the matrix: plain unaligned loads and stores.</summary>
    private readonly unsafe struct FullColumns : IColumnAccess
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LoadB(float* source, Vector256<float> mask) => Vector256.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LoadC(float* source, Vector256<float> mask) => Vector256.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreC(float* destination, Vector256<float> mask, Vector256<float> value) =>
            value.Store(destination);
    }

    /// <summary>The last, partial panel read in place: lanes outside the mask are neither read (they load as 0) nor written.</summary>
    private readonly unsafe struct MaskedColumns : IColumnAccess
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LoadB(float* source, Vector256<float> mask) => Avx.MaskLoad(source, mask);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LoadC(float* source, Vector256<float> mask) => Avx.MaskLoad(source, mask);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreC(float* destination, Vector256<float> mask, Vector256<float> value) =>
            Avx.MaskStore(destination, mask, value);
    }

    /// <summary>The last, partial panel after packing: b is zero-padded scratch, read whole; c stays masked.</summary>
    private readonly unsafe struct PackedTailColumns : IColumnAccess
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LoadB(float* source, Vector256<float> mask) => Vector256.LoadAligned(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LoadC(float* source, Vector256<float> mask) => Avx.MaskLoad(source, mask);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreC(float* destination, Vector256<float> mask, Vector256<float> value) =>
            Avx.MaskStore(destination, mask, value);
    }
}
