using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Numerics.Tensors;
using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Scoring;

/// <summary>
/// FIT's Lightweight Similarity Scorer (§4.2, eq. 13–16) over precomputed heads. Candidates are processed in chunks,
/// structure-of-arrays: each intermediate value S_ij, S′_ik, S″_kl is a vector over the chunk's candidates, so every
/// step is a SIMD multiply-add over candidates (the per-candidate matrices are only 2 × 2 and 2 × 16).
/// </summary>
/// <remarks>Immutable and thread-safe; allocation-free apart from pooled scratch.</remarks>
public sealed class LssScorer : ICandidateScorer
{
    /// <summary>Candidates per chunk: intermediates stay in L1/L2 (H_u·d·256 floats = 32 KB for H_u = 2, d = 16).</summary>
    internal const int ChunkSize = 256;

    private readonly float[] _rowWeight;    // W_1, [d, H_v]
    private readonly float[] _rowBias;      // b_1, [d]
    private readonly float[] _columnWeight; // W_2, [d, H_u]
    private readonly float[] _columnBias;   // b_2, [d]
    private readonly float[] _projection;   // w, [d·d], row-major over S″
    private readonly Vector256<float>[] _rowWeightVectors; // the same weights broadcast, for the fused path
    private readonly Vector256<float>[] _rowBiasVectors;
    private readonly Vector256<float>[] _columnWeightVectors;
    private readonly Vector256<float>[] _columnBiasVectors;
    private readonly Vector256<float>[] _projectionVectors;

    // The fused 8-candidate kernel needs AVX2 + FMA; elsewhere the TensorPrimitives path computes the same thing.
    private static readonly bool s_fused = Fma.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>Creates the scorer from its weights (torch layout: Linear weights are [out, in]).</summary>
    public LssScorer(int userHeads, int itemHeads, int headDim, int width, float[] rowWeight, float[] rowBias, float[] columnWeight, float[] columnBias, float[] projection)
    {
        UserHeads = userHeads;
        ItemHeads = itemHeads;
        HeadDim = headDim;
        Width = width;
        Require(rowWeight, width * itemHeads, "lss.row_fc.weight");
        Require(rowBias, width, "lss.row_fc.bias");
        Require(columnWeight, width * userHeads, "lss.column_fc.weight");
        Require(columnBias, width, "lss.column_fc.bias");
        Require(projection, width * width, "lss.projection.weight");
        _rowWeight = rowWeight;
        _rowBias = rowBias;
        _columnWeight = columnWeight;
        _columnBias = columnBias;
        _projection = projection;
        _rowWeightVectors = Broadcast(rowWeight);
        _rowBiasVectors = Broadcast(rowBias);
        _columnWeightVectors = Broadcast(columnWeight);
        _columnBiasVectors = Broadcast(columnBias);
        _projectionVectors = Broadcast(projection);
    }

    /// <summary>H_u.</summary>
    public int UserHeads { get; }

    /// <summary>Whether the AVX2/FMA 8-candidate kernel runs (default where supported); tests switch it off to check the portable path.</summary>
    internal bool UseFusedKernel { get; init; } = s_fused;

    /// <summary>H_v.</summary>
    public int ItemHeads { get; }

    /// <summary>p.</summary>
    public int HeadDim { get; }

    /// <summary>d.</summary>
    public int Width { get; }

    /// <summary>W_1, torch layout <c>[d, H_v]</c> (for the ONNX scoring graph).</summary>
    internal ReadOnlySpan<float> RowWeight => _rowWeight;

    /// <summary>b_1, <c>[d]</c>.</summary>
    internal ReadOnlySpan<float> RowBias => _rowBias;

    /// <summary>W_2, torch layout <c>[d, H_u]</c>.</summary>
    internal ReadOnlySpan<float> ColumnWeight => _columnWeight;

    /// <summary>b_2, <c>[d]</c>.</summary>
    internal ReadOnlySpan<float> ColumnBias => _columnBias;

    /// <summary>w, <c>[d·d]</c>, row-major over S″.</summary>
    internal ReadOnlySpan<float> Projection => _projection;

    /// <summary>Names of the tensors <see cref="FromTensors"/> reads.</summary>
    public static IReadOnlyList<string> TensorNames { get; } =
        ["lss.row_fc.weight", "lss.row_fc.bias", "lss.column_fc.weight", "lss.column_fc.bias", "lss.projection.weight"];

    /// <summary>Builds the scorer from an artifact's tensors.</summary>
    /// <exception cref="ArtifactException">A tensor is missing or has the wrong shape.</exception>
    public static LssScorer FromTensors(IReadOnlyDictionary<string, NamedTensor> tensors, ModelDims dims)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(dims);
        float[] Get(string name, params int[] shape) => TensorLookup.Require(tensors, name, shape);
        var d = dims.LssWidth;
        return new LssScorer(
            dims.UserHeads, dims.ItemHeads, dims.HeadDim, d,
            Get("lss.row_fc.weight", d, dims.ItemHeads), Get("lss.row_fc.bias", d),
            Get("lss.column_fc.weight", d, dims.UserHeads), Get("lss.column_fc.bias", d),
            Get("lss.projection.weight", d * d));
    }

    /// <inheritdoc />
    public void Score(ReadOnlySpan<float> userHeads, ItemTable items, ReadOnlySpan<int> rows, Span<float> scores)
    {
        ArgumentNullException.ThrowIfNull(items);
        var userSize = UserHeads * HeadDim;
        if (items.ItemHeads != ItemHeads || items.HeadDim != HeadDim || rows.Length != scores.Length
            || userHeads.Length != items.MetaSize * userSize)
        {
            ThrowHelper.ShapeMismatch(
                $"LSS for H_u={UserHeads}, H_v={ItemHeads}, p={HeadDim}: item table H_v={items.ItemHeads}, p={items.HeadDim}; " +
                $"{rows.Length} rows, {scores.Length} scores; {userHeads.Length} user head values for N={items.MetaSize}");
        }

        var pairs = UserHeads * ItemHeads;
        var chunk = Math.Min(ChunkSize, (Math.Max(rows.Length, 1) + 7) & ~7); // a multiple of 8: whole vectors in the fused path
        var scratch = ArrayPool<float>.Shared.Rent((pairs + (UserHeads * Width) + 1) * chunk + (ItemHeads * HeadDim));
        try
        {
            var similarity = scratch.AsSpan(0, pairs * chunk);                        // S_ij over candidates
            var rowOut = scratch.AsSpan(pairs * chunk, UserHeads * Width * chunk);     // S′_ik over candidates
            var temp = scratch.AsSpan((pairs + (UserHeads * Width)) * chunk, chunk);  // one S″_kl over candidates
            var itemRow = scratch.AsSpan((pairs + (UserHeads * Width) + 1) * chunk, ItemHeads * HeadDim);
            for (var start = 0; start < rows.Length; start += chunk)
            {
                var n = Math.Min(chunk, rows.Length - start);
                Similarities(userHeads, items, rows.Slice(start, n), similarity, chunk, itemRow);
                if (UseFusedKernel)
                {
                    ScoreChunkFused(similarity, chunk, n, scores.Slice(start, n));
                }
                else
                {
                    ScoreChunk(similarity, rowOut, temp[..n], chunk, n, scores.Slice(start, n));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>The LSS logit of one user branch and one item, computed directly from eq. 13–16 (the test reference).</summary>
    /// <param name="userHeads">z_u, <c>[H_u, p]</c>.</param>
    /// <param name="itemHeads">z_v, <c>[H_v, p]</c>.</param>
    public float ScoreReference(ReadOnlySpan<float> userHeads, ReadOnlySpan<float> itemHeads)
    {
        var d = Width;
        var s = new double[UserHeads, ItemHeads];
        for (var i = 0; i < UserHeads; i++)
        {
            for (var j = 0; j < ItemHeads; j++)
            {
                double dot = 0;
                for (var t = 0; t < HeadDim; t++)
                {
                    dot += userHeads[(i * HeadDim) + t] * (double)itemHeads[(j * HeadDim) + t];
                }

                s[i, j] = dot; // FIT, eq. 13
            }
        }

        var s1 = new double[UserHeads, d];
        for (var i = 0; i < UserHeads; i++)
        {
            for (var k = 0; k < d; k++)
            {
                double sum = _rowBias[k];
                for (var j = 0; j < ItemHeads; j++)
                {
                    sum += _rowWeight[(k * ItemHeads) + j] * s[i, j];
                }

                s1[i, k] = Math.Max(sum, 0); // FIT, eq. 14
            }
        }

        double score = 0;
        for (var a = 0; a < d; a++)
        {
            for (var k = 0; k < d; k++)
            {
                double sum = _columnBias[a];
                for (var i = 0; i < UserHeads; i++)
                {
                    sum += _columnWeight[(a * UserHeads) + i] * s1[i, k];
                }

                score += _projection[(a * d) + k] * Math.Max(sum, 0); // FIT, eq. 15–16
            }
        }

        return (float)score;
    }

    private void Similarities(ReadOnlySpan<float> userHeads, ItemTable items, ReadOnlySpan<int> rows, Span<float> similarity, int stride, Span<float> itemRow)
    {
        var p = HeadDim;
        var userSize = UserHeads * p;
        var single = items.IsHalf ? default : items.SingleHeads;
        var rowSize = items.RowSize;
        var queryIndex = items.QueryIndex;
        var fusedDot = UseFusedKernel && p % Vector256<float>.Count == 0;
        for (var c = 0; c < rows.Length; c++)
        {
            if (c + ItemTable.PrefetchDistance < rows.Length)
            {
                items.PrefetchRow(rows[c + ItemTable.PrefetchDistance]); // rows are read at random: overlap their misses
            }

            var row = rows[c];
            ReadOnlySpan<float> item;
            if (items.IsHalf)
            {
                items.CopyRow(row, itemRow);
                item = itemRow;
            }
            else
            {
                item = single.Slice(row * rowSize, rowSize);
            }

            var user = userHeads.Slice(queryIndex[row] * userSize, userSize); // §4.3.2: the branch of the stored query index
            for (var i = 0; i < UserHeads; i++)
            {
                var zu = user.Slice(i * p, p);
                for (var j = 0; j < ItemHeads; j++)
                {
                    var zv = item.Slice(j * p, p);
                    similarity[(((i * ItemHeads) + j) * stride) + c] = fusedDot ? DotFma(zu, zv) : TensorPrimitives.Dot(zu, zv); // FIT, eq. 13
                }
            }
        }
    }

    // z_u · z_v for p a multiple of 8 with two FMA accumulators, inlined into the candidate loop (a call into
    // TensorPrimitives.Dot per pair cost more than the 8–16 multiply-adds it does at p = 64).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotFma(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        var width = Vector256<float>.Count;
        var even = Vector256<float>.Zero;
        var odd = Vector256<float>.Zero;
        var t = 0;
        for (; t + (2 * width) <= a.Length; t += 2 * width)
        {
            even = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)t), Vector256.LoadUnsafe(ref y, (nuint)t), even);
            odd = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)(t + width)), Vector256.LoadUnsafe(ref y, (nuint)(t + width)), odd);
        }

        if (t < a.Length)
        {
            even = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)t), Vector256.LoadUnsafe(ref y, (nuint)t), even);
        }

        return Vector256.Sum(even + odd);
    }

    // Eq. 14–16 for 8 candidates at a time: S′ (H_u·d vectors, FIT eq. 14) into stack scratch that stays in L1, then
    // every S″[a, k] = ReLU(W_2[a, ·] S′[·, k] + b_2[a]) (eq. 15) straight into the projection (eq. 16). Weights and S′ are
    // read through refs (no bounds checks in the d² loop) and H_u = 2 (the paper's setting) has its own unrolled loop.
    // The sums run in the same order as ScoreChunk's (a outer, k inner), so both paths give the same bits.
    private void ScoreChunkFused(ReadOnlySpan<float> similarity, int stride, int n, Span<float> scores)
    {
        var d = Width;
        var userHeads = UserHeads;
        var itemHeads = ItemHeads;
        var pairs = userHeads * itemHeads;
        Span<Vector256<float>> s = stackalloc Vector256<float>[pairs];
        Span<Vector256<float>> rowOut = stackalloc Vector256<float>[userHeads * d];
        Span<float> lanes = stackalloc float[Vector256<float>.Count];
        ref var rowWeight = ref MemoryMarshal.GetArrayDataReference(_rowWeightVectors);       // [d, H_v]
        ref var rowBias = ref MemoryMarshal.GetArrayDataReference(_rowBiasVectors);           // [d]
        ref var columnWeight = ref MemoryMarshal.GetArrayDataReference(_columnWeightVectors); // [d, H_u]
        ref var columnBias = ref MemoryMarshal.GetArrayDataReference(_columnBiasVectors);     // [d]
        ref var projection = ref MemoryMarshal.GetArrayDataReference(_projectionVectors);     // [d, d] over (a, k)
        ref var sPrime = ref MemoryMarshal.GetReference(rowOut);                               // [H_u, d]
        ref var sim = ref MemoryMarshal.GetReference(similarity);
        var zero = Vector256<float>.Zero;
        for (var c = 0; c < n; c += Vector256<float>.Count)
        {
            for (var p = 0; p < pairs; p++)
            {
                s[p] = Vector256.LoadUnsafe(ref sim, (nuint)((p * stride) + c));
            }

            for (var i = 0; i < userHeads; i++)
            {
                for (var k = 0; k < d; k++)
                {
                    var acc = Unsafe.Add(ref rowBias, k);
                    for (var j = 0; j < itemHeads; j++)
                    {
                        acc = Fma.MultiplyAdd(Unsafe.Add(ref rowWeight, (k * itemHeads) + j), s[(i * itemHeads) + j], acc);
                    }

                    Unsafe.Add(ref sPrime, (i * d) + k) = Vector256.Max(acc, zero); // FIT, eq. 14
                }
            }

            var score = zero;
            if (userHeads == 2)
            {
                ref var second = ref Unsafe.Add(ref sPrime, d);
                for (var a = 0; a < d; a++)
                {
                    var w0 = Unsafe.Add(ref columnWeight, 2 * a);
                    var w1 = Unsafe.Add(ref columnWeight, (2 * a) + 1);
                    var bias = Unsafe.Add(ref columnBias, a);
                    ref var w = ref Unsafe.Add(ref projection, a * d);
                    for (var k = 0; k < d; k++)
                    {
                        var acc = Fma.MultiplyAdd(w1, Unsafe.Add(ref second, k), Fma.MultiplyAdd(w0, Unsafe.Add(ref sPrime, k), bias));
                        score = Fma.MultiplyAdd(Unsafe.Add(ref w, k), Vector256.Max(acc, zero), score); // FIT, eq. 15–16
                    }
                }
            }
            else
            {
                for (var a = 0; a < d; a++)
                {
                    for (var k = 0; k < d; k++)
                    {
                        var acc = Unsafe.Add(ref columnBias, a);
                        for (var i = 0; i < userHeads; i++)
                        {
                            acc = Fma.MultiplyAdd(Unsafe.Add(ref columnWeight, (a * userHeads) + i), Unsafe.Add(ref sPrime, (i * d) + k), acc);
                        }

                        score = Fma.MultiplyAdd(Unsafe.Add(ref projection, (a * d) + k), Vector256.Max(acc, zero), score); // FIT, eq. 15–16
                    }
                }
            }

            var valid = Math.Min(Vector256<float>.Count, n - c);
            if (valid == Vector256<float>.Count)
            {
                score.CopyTo(scores[c..]);
            }
            else
            {
                score.CopyTo(lanes);
                lanes[..valid].CopyTo(scores[c..]);
            }
        }
    }

    private static Vector256<float>[] Broadcast(float[] values) => Array.ConvertAll(values, Vector256.Create);

    private void ScoreChunk(ReadOnlySpan<float> similarity, Span<float> rowOut, Span<float> temp, int stride, int n, Span<float> scores)
    {
        var d = Width;
        for (var i = 0; i < UserHeads; i++)
        {
            for (var k = 0; k < d; k++)
            {
                var target = rowOut.Slice(((i * d) + k) * stride, n);
                target.Fill(_rowBias[k]);
                for (var j = 0; j < ItemHeads; j++)
                {
                    TensorPrimitives.MultiplyAdd(similarity.Slice(((i * ItemHeads) + j) * stride, n), _rowWeight[(k * ItemHeads) + j], target, target);
                }

                TensorPrimitives.Max(target, 0f, target); // FIT, eq. 14: S′ = ReLU(S W_1ᵀ + b_1), row-wise
            }
        }

        scores.Clear();
        for (var a = 0; a < d; a++)
        {
            for (var k = 0; k < d; k++)
            {
                temp.Fill(_columnBias[a]);
                for (var i = 0; i < UserHeads; i++)
                {
                    TensorPrimitives.MultiplyAdd(rowOut.Slice(((i * d) + k) * stride, n), _columnWeight[(a * UserHeads) + i], temp, temp);
                }

                TensorPrimitives.Max(temp, 0f, temp); // FIT, eq. 15: S″ = ReLU(W_2 S′ + b_2), column-wise
                TensorPrimitives.MultiplyAdd(temp, _projection[(a * d) + k], scores, scores); // FIT, eq. 16: wᵀ Flatten(S″)
            }
        }
    }

    private static void Require(float[] values, int length, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != length)
        {
            throw new ArgumentException($"{name}: {values.Length} values, expected {length}.", name);
        }
    }
}
