using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using FitCluster.Model.Numerics;

namespace FitCluster.Model.Artifacts;

/// <summary>
/// Precomputed items in memory, what the scorers read: for each row its query index s (FIT, eq. 8) and its heads z_v
/// (H_v × p, FIT eq. 12) as one contiguous float32 or float16 array — a shard's rows (<see cref="Catalog.ItemShard.Items"/>).
/// <see cref="Read"/> and <see cref="Write"/> handle the item table file of layout version 1 (format-1 artifacts, which
/// <see cref="ArtifactUpgrade"/> converts); layout version 2 is <see cref="Catalog.ItemTableFile"/>'s
/// (<c>docs/artifact.md</c>).
/// </summary>
/// <remarks>Immutable after construction; safe to read from many threads.</remarks>
public sealed class ItemTable
{
    /// <summary>The 8 bytes every item table file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "FITITEMS"u8;

    /// <summary>Layout version <see cref="Write"/> writes and <see cref="Read"/> reads (1: the format-1 item table).</summary>
    public const int FormatVersion = 1;

    /// <summary>Header size in bytes; sections start on 64-byte boundaries.</summary>
    public const int HeaderBytes = 64;

    private const int Alignment = 64;
    private readonly float[]? _single;
    private readonly Half[]? _half;

    private ItemTable(int itemHeads, int headDim, int metaSize, ushort[] queryIndex, float[]? single, Half[]? half)
    {
        ItemHeads = itemHeads;
        HeadDim = headDim;
        MetaSize = metaSize;
        QueryIndex = queryIndex;
        _single = single;
        _half = half;
    }

    /// <summary>Number of items (rows).</summary>
    public int Count => QueryIndex.Length;

    /// <summary>H_v.</summary>
    public int ItemHeads { get; }

    /// <summary>p.</summary>
    public int HeadDim { get; }

    /// <summary>Floats per row: H_v × p.</summary>
    public int RowSize => ItemHeads * HeadDim;

    /// <summary>N, the range of query indices (1 for Two-Tower, whose indices are all 0).</summary>
    public int MetaSize { get; }

    /// <summary>Query index of each row, in <c>0..MetaSize-1</c>.</summary>
    public ushort[] QueryIndex { get; }

    /// <summary>Whether heads are stored as float16.</summary>
    public bool IsHalf => _half is not null;

    /// <summary>Bytes of heads plus query index per item.</summary>
    public int BytesPerItem => (RowSize * (IsHalf ? 2 : 4)) + sizeof(ushort);

    /// <summary>Heads of all rows, row-major <c>[Count, H_v, p]</c>; only for a float32 table.</summary>
    public ReadOnlySpan<float> SingleHeads => _single ?? throw new InvalidOperationException("The item table holds float16 heads.");

    /// <summary>Heads of all rows as float16; only for a float16 table.</summary>
    public ReadOnlySpan<Half> HalfHeads => _half ?? throw new InvalidOperationException("The item table holds float32 heads.");

    // Arrays read from a file whose header and values the caller has checked (ItemTableFile).
    internal static ItemTable FromStorage(int itemHeads, int headDim, int metaSize, ushort[] queryIndex, float[]? single, Half[]? half) =>
        new(itemHeads, headDim, metaSize, queryIndex, single, half);

    /// <summary>Creates a float32 table.</summary>
    public static ItemTable FromSingle(int itemHeads, int headDim, int metaSize, ushort[] queryIndex, float[] heads)
    {
        Validate(itemHeads, headDim, metaSize, queryIndex, heads.Length);
        return new ItemTable(itemHeads, headDim, metaSize, queryIndex, heads, null);
    }

    /// <summary>Creates a float16 table by rounding float32 heads to nearest.</summary>
    public static ItemTable FromSingleAsHalf(int itemHeads, int headDim, int metaSize, ushort[] queryIndex, float[] heads)
    {
        Validate(itemHeads, headDim, metaSize, queryIndex, heads.Length);
        var half = new Half[heads.Length];
        TensorPrimitives.ConvertToHalf(heads, half);
        return new ItemTable(itemHeads, headDim, metaSize, queryIndex, null, half);
    }

    /// <summary>How many candidates ahead the scorers prefetch a row (<see cref="PrefetchRow"/>).</summary>
    internal const int PrefetchDistance = 16;

    /// <summary>
    /// Starts loading row <paramref name="row"/>'s query index and heads into the cache: a hint the scorers give
    /// <see cref="PrefetchDistance"/> candidates ahead, so the misses of rows read at random overlap. Rows outside the
    /// table are ignored.
    /// </summary>
    internal void PrefetchRow(int row)
    {
        if ((uint)row >= (uint)Count)
        {
            return;
        }

        var size = RowSize;
        Prefetch.Line(in QueryIndex[row]);
        if (_single is not null)
        {
            Prefetch.Lines(in _single[row * size], size * sizeof(float));
        }
        else
        {
            Prefetch.Lines(in _half![row * size], size * 2);
        }
    }

    /// <summary>Copies row <paramref name="row"/>'s heads into <paramref name="destination"/> as float32.</summary>
    public void CopyRow(int row, Span<float> destination)
    {
        var size = RowSize;
        if (_single is not null)
        {
            _single.AsSpan(row * size, size).CopyTo(destination);
        }
        else
        {
            TensorPrimitives.ConvertToSingle(_half.AsSpan(row * size, size), destination);
        }
    }

    /// <summary>A new table holding only <paramref name="rows"/>, in that order (a shard's slice).</summary>
    public ItemTable Select(ReadOnlySpan<int> rows)
    {
        var size = RowSize;
        var queryIndex = new ushort[rows.Length];
        if (_single is not null)
        {
            var single = new float[rows.Length * size];
            for (var i = 0; i < rows.Length; i++)
            {
                queryIndex[i] = QueryIndex[rows[i]];
                _single.AsSpan(rows[i] * size, size).CopyTo(single.AsSpan(i * size));
            }

            return new ItemTable(ItemHeads, HeadDim, MetaSize, queryIndex, single, null);
        }

        var half = new Half[rows.Length * size];
        for (var i = 0; i < rows.Length; i++)
        {
            queryIndex[i] = QueryIndex[rows[i]];
            _half.AsSpan(rows[i] * size, size).CopyTo(half.AsSpan(i * size));
        }

        return new ItemTable(ItemHeads, HeadDim, MetaSize, queryIndex, null, half);
    }

    /// <summary>Writes the table in the documented binary layout.</summary>
    public void Write(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Span<byte> header = stackalloc byte[HeaderBytes];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], IsHalf ? DataTypeCodes.Binary16 : DataTypeCodes.Binary32);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], ItemHeads);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], HeadDim);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], MetaSize);
        stream.Write(header);
        stream.Write(MemoryMarshal.AsBytes(QueryIndex.AsSpan()));
        WritePadding(stream);
        if (_single is not null)
        {
            stream.Write(MemoryMarshal.AsBytes(_single.AsSpan()));
        }
        else
        {
            stream.Write(MemoryMarshal.AsBytes(_half.AsSpan()));
        }
    }

    /// <summary>Reads and validates a table.</summary>
    /// <exception cref="ArtifactException">The file is truncated, has the wrong magic, version or sizes, or a query index out of range.</exception>
    public static ItemTable Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) != HeaderBytes || !header[..8].SequenceEqual(Magic))
        {
            throw new ArtifactException($"{path}: not an item table (bad header).");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var dataType = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        var itemHeads = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        var headDim = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
        var metaSize = BinaryPrimitives.ReadInt32LittleEndian(header[28..]);
        if (version != FormatVersion)
        {
            throw new ArtifactException($"{path}: item table layout version {version}; this build reads version {FormatVersion}.");
        }

        if (dataType is not (DataTypeCodes.Binary32 or DataTypeCodes.Binary16) || count < 0 || itemHeads <= 0 || headDim <= 0
            || metaSize is <= 0 or > ushort.MaxValue + 1)
        {
            throw new ArtifactException(
                $"{path}: invalid item table header (data type {dataType}, {count} items, {itemHeads} heads of {headDim}, N = {metaSize}).");
        }

        var elementBytes = dataType == DataTypeCodes.Binary16 ? 2 : 4;
        var headsOffset = HeaderBytes + Align((long)count * sizeof(ushort));
        var expected = headsOffset + ((long)count * itemHeads * headDim * elementBytes);
        if (stream.Length != expected)
        {
            throw new ArtifactException($"{path}: {stream.Length:N0} bytes, but its header describes {expected:N0} (truncated or corrupt).");
        }

        var queryIndex = new ushort[count];
        stream.ReadExactly(MemoryMarshal.AsBytes(queryIndex.AsSpan()));
        foreach (var s in queryIndex)
        {
            if (s >= metaSize)
            {
                throw new ArtifactException($"{path}: query index {s} is outside 0..{metaSize - 1}.");
            }
        }

        stream.Position = headsOffset;
        var length = count * itemHeads * headDim;
        if (dataType == DataTypeCodes.Binary32)
        {
            var single = new float[length];
            stream.ReadExactly(MemoryMarshal.AsBytes(single.AsSpan()));
            RequireFinite(path, single);
            return new ItemTable(itemHeads, headDim, metaSize, queryIndex, single, null);
        }

        var half = new Half[length];
        stream.ReadExactly(MemoryMarshal.AsBytes(half.AsSpan()));
        foreach (var value in half)
        {
            if (!Half.IsFinite(value))
            {
                throw new ArtifactException($"{path}: the item heads hold a non-finite value.");
            }
        }

        return new ItemTable(itemHeads, headDim, metaSize, queryIndex, null, half);
    }

    private static void RequireFinite(string path, ReadOnlySpan<float> values)
    {
        // x − x is 0 for finite x and NaN for ±∞ and NaN, so one pass over the sum finds any non-finite value.
        if (!float.IsFinite(TensorPrimitives.Sum(values) * 0f))
        {
            foreach (var value in values)
            {
                if (!float.IsFinite(value))
                {
                    throw new ArtifactException($"{path}: the item heads hold a non-finite value.");
                }
            }
        }
    }

    private static long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    private void WritePadding(Stream stream)
    {
        var written = (long)Count * sizeof(ushort);
        var padding = (int)(Align(written) - written);
        Span<byte> zeros = stackalloc byte[Alignment];
        zeros.Clear();
        stream.Write(zeros[..padding]);
    }

    private static void Validate(int itemHeads, int headDim, int metaSize, ushort[] queryIndex, int headsLength)
    {
        ArgumentNullException.ThrowIfNull(queryIndex);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemHeads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(metaSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(metaSize, ushort.MaxValue + 1);
        if (headsLength != queryIndex.Length * itemHeads * headDim)
        {
            throw new ArgumentException($"{headsLength} head values for {queryIndex.Length} items of {itemHeads} × {headDim}.");
        }

        foreach (var s in queryIndex)
        {
            if (s >= metaSize)
            {
                throw new ArgumentException($"Query index {s} is outside 0..{metaSize - 1}.");
            }
        }
    }
}
