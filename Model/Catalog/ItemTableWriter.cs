using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Catalog;

/// <summary>
/// Writes an item table file (layout version 2, <c>docs/artifact.md</c>) from items given one at a time, in any order,
/// without holding the catalog in memory: the public way to write a catalog of any size (the exporter, the tests,
/// <c>./fit upgrade</c> and the scale benchmark's generator use it).
/// </summary>
/// <remarks>
/// <para>Each item goes to a hash bucket of its raw id (<see cref="ItemIdHash"/>); the file stores buckets in order, with
/// an index of where each starts, so that shard s of S reads exactly the buckets b with b mod S = s
/// (<see cref="ItemTableFile.ReadShard"/>) and nothing else.</para>
/// <para>Memory: <see cref="Add"/> appends each item to one of up to 256 spill files (by bucket range) beside the output,
/// so it holds only their write buffers (16 KB each) and a counter per bucket. <see cref="Complete"/> then reads one spill
/// file at a time (about 1/256 of the table: 21 MB for 10 million items of 540 bytes), orders it by bucket (arrival order
/// within a bucket), refuses a repeated id, and writes its rows; the spill files are deleted. Disk: the table's size twice
/// while completing.</para>
/// <para>Not thread-safe: one writer, one thread.</para>
/// </remarks>
/// <example>
/// <code>
/// using var writer = new ItemTableWriter(path, itemHeads: 2, headDim: 64, metaSize: 32, half: false);
/// foreach (var item in items) { writer.Add(item.Id, item.Index, item.QueryIndex, item.Heads); }
/// writer.Complete();
/// </code>
/// </example>
public sealed class ItemTableWriter : IDisposable
{
    /// <summary>Buckets written when the caller does not choose: enough for an even spread over up to a few hundred shards.</summary>
    public const int DefaultBucketCount = 4096;

    /// <summary>Most buckets a table may have.</summary>
    public const int MaxBucketCount = 1 << 20;

    private const int MaxSpills = 256;
    private readonly string _path;
    private readonly string _spillDirectory;
    private readonly FileStream[] _spills;
    private readonly int[] _bucketCounts;
    private readonly bool[] _branches;
    private readonly ItemTableLayout _shape;
    private readonly byte[] _record;
    private long _idBytes;
    private int _count;
    private bool _completed;

    /// <summary>Starts a table at <paramref name="path"/> (written by <see cref="Complete"/>).</summary>
    /// <param name="path">The item table file to write; replaced if it exists.</param>
    /// <param name="itemHeads">H_v.</param>
    /// <param name="headDim">p.</param>
    /// <param name="metaSize">N, the range of query indices (1 for Two-Tower).</param>
    /// <param name="half">Whether heads are stored as float16 (rounded to nearest) instead of float32.</param>
    /// <param name="bucketCount">Hash buckets (1..<see cref="MaxBucketCount"/>); a cluster can have at most this many shards
    /// with items. Default <see cref="DefaultBucketCount"/>.</param>
    public ItemTableWriter(string path, int itemHeads, int headDim, int metaSize, bool half, int bucketCount = DefaultBucketCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemHeads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(metaSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(metaSize, ushort.MaxValue + 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bucketCount, MaxBucketCount);
        _path = Path.GetFullPath(path);
        _shape = new ItemTableLayout(0, itemHeads, headDim, metaSize, bucketCount, half, 0);
        _spillDirectory = _path + ".spill";
        Directory.CreateDirectory(_spillDirectory);
        _spills = new FileStream[Math.Min(MaxSpills, bucketCount)];
        _bucketCounts = new int[bucketCount];
        _branches = new bool[metaSize];
        _record = new byte[RecordBytes(ItemIdHash.MaxIdBytes) + _shape.RowBytes];
    }

    /// <summary>Items added so far.</summary>
    public int Count => _count;

    /// <summary>Adds one item.</summary>
    /// <param name="id">The raw item id (non-empty, at most <see cref="ItemIdHash.MaxIdBytes"/> UTF-8 bytes, distinct).</param>
    /// <param name="itemIndex">The model's item index (≥ 1; the user tower's id of the item, <c>item.attributes</c> row).</param>
    /// <param name="queryIndex">s, in 0..N−1 (FIT, eq. 8; 0 for Two-Tower).</param>
    /// <param name="heads">The item's heads z_v, H_v × p finite values (FIT, eq. 12).</param>
    /// <exception cref="ArgumentException">A value is out of range; nothing is added.</exception>
    public void Add(string id, int itemIndex, ushort queryIndex, ReadOnlySpan<float> heads)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemIndex, 1);
        if (_count == int.MaxValue)
        {
            throw new InvalidOperationException("An item table holds at most 2,147,483,647 items.");
        }

        if (queryIndex >= _shape.MetaSize)
        {
            throw new ArgumentException($"Item '{id}': query index {queryIndex} is outside 0..{_shape.MetaSize - 1}.", nameof(queryIndex));
        }

        if (heads.Length != _shape.RowSize || !float.IsFinite(TensorPrimitives.Sum(heads) * 0f))
        {
            throw new ArgumentException($"Item '{id}': heads need {_shape.RowSize} finite values, got {heads.Length}.", nameof(heads));
        }

        if (Encoding.UTF8.GetByteCount(id) > ItemIdHash.MaxIdBytes)
        {
            throw new ArgumentException($"Item id '{id[..32]}…' is longer than {ItemIdHash.MaxIdBytes} UTF-8 bytes.", nameof(id));
        }

        var idLength = Encoding.UTF8.GetBytes(id, _record.AsSpan(8));
        var bucket = ItemIdHash.BucketOf(ItemIdHash.Fnv1a(_record.AsSpan(8, idLength)), _shape.BucketCount);
        var record = _record.AsSpan(0, RecordBytes(idLength) + (int)_shape.RowBytes);
        BinaryPrimitives.WriteInt32LittleEndian(record, bucket);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], idLength);
        var rest = record[(8 + idLength)..];
        BinaryPrimitives.WriteInt32LittleEndian(rest, itemIndex);
        BinaryPrimitives.WriteUInt16LittleEndian(rest[4..], queryIndex);
        if (_shape.IsHalf)
        {
            TensorPrimitives.ConvertToHalf(heads, MemoryMarshal.Cast<byte, Half>(rest[6..]));
        }
        else
        {
            MemoryMarshal.AsBytes(heads).CopyTo(rest[6..]);
        }

        SpillOf(bucket).Write(record);
        _bucketCounts[bucket]++;
        _branches[queryIndex] = true;
        _idBytes += idLength;
        _count++;
    }

    /// <summary>Writes the table file and deletes the spill files; the writer takes no more items.</summary>
    /// <returns>Items written.</returns>
    /// <exception cref="ArgumentException">Two items have the same id (the file is not left behind).</exception>
    public int Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        foreach (var spill in _spills)
        {
            spill?.Flush();
        }

        var layout = _shape with { Count = _count, IdBytes = _idBytes };
        try
        {
            using (var handle = File.OpenHandle(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                RandomAccess.SetLength(handle, layout.TotalBytes);
                WriteIndex(handle, layout);
                long row = 0, idByte = 0;
                for (var s = 0; s < _spills.Length; s++)
                {
                    (row, idByte) = WriteSpill(handle, layout, s, row, idByte);
                }

                Span<byte> end = stackalloc byte[sizeof(long)];
                BinaryPrimitives.WriteInt64LittleEndian(end, idByte);
                RandomAccess.Write(handle, end, layout.IdOffsetsOffset + (row * sizeof(long)));
                RandomAccess.FlushToDisk(handle);
            }
        }
        catch
        {
            File.Delete(_path);
            throw;
        }
        finally
        {
            DeleteSpills();
        }

        return _count;
    }

    /// <summary>Deletes the spill files; a table not completed is not written.</summary>
    public void Dispose()
    {
        _completed = true;
        DeleteSpills();
    }

    private static int RecordBytes(int idLength) => 8 + idLength + 6;

    private FileStream SpillOf(int bucket)
    {
        var s = (int)((long)bucket * _spills.Length / _shape.BucketCount); // contiguous bucket ranges, in order
        return _spills[s] ??= new FileStream(
            Path.Combine(_spillDirectory, $"{s:D2}.spill"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 14);
    }

    private void WriteIndex(Microsoft.Win32.SafeHandles.SafeFileHandle handle, ItemTableLayout layout)
    {
        var header = new byte[ItemTableLayout.HeaderBytes];
        layout.WriteHeader(header);
        RandomAccess.Write(handle, header, 0);
        var starts = new int[layout.BucketCount + 1];
        for (var b = 0; b < layout.BucketCount; b++)
        {
            starts[b + 1] = starts[b] + _bucketCounts[b];
        }

        RandomAccess.Write(handle, MemoryMarshal.AsBytes(starts.AsSpan()), ItemTableLayout.BucketsOffset);
        var branches = new byte[layout.MetaSize];
        for (var n = 0; n < branches.Length; n++)
        {
            branches[n] = _branches[n] ? (byte)1 : (byte)0;
        }

        RandomAccess.Write(handle, branches, layout.BranchesOffset);
    }

    // One spill file's rows, ordered by bucket (arrival order within one), written after `row` rows and `idByte` id bytes.
    private (long Row, long IdByte) WriteSpill(Microsoft.Win32.SafeHandles.SafeFileHandle handle, ItemTableLayout layout, int spill, long row, long idByte)
    {
        var stream = _spills[spill];
        if (stream is null)
        {
            return (row, idByte);
        }

        if (stream.Length > Array.MaxLength)
        {
            throw new InvalidOperationException($"A spill file of {stream.Length:N0} bytes exceeds what one array holds (a table of more than about 500 GB).");
        }

        var data = new byte[stream.Length];
        stream.Position = 0;
        stream.ReadExactly(data);
        var records = new List<int>();
        var keys = new List<long>();
        for (var at = 0; at < data.Length; at += RecordBytes(BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at + 4))) + (int)layout.RowBytes)
        {
            keys.Add(((long)BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at)) << 32) | (uint)records.Count);
            records.Add(at);
        }

        var order = records.ToArray();
        var sortKeys = keys.ToArray();
        Array.Sort(sortKeys, order); // (bucket, arrival): a stable sort by bucket
        var n = order.Length;
        var rowBytes = (int)layout.RowBytes;
        var idOffsets = new int[n + 1];
        for (var r = 0; r < n; r++)
        {
            idOffsets[r + 1] = idOffsets[r] + BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(order[r] + 4));
        }

        var ids = new byte[idOffsets[n]];
        var itemIndex = new byte[n * sizeof(int)];
        var queryIndex = new byte[n * sizeof(ushort)];
        var heads = new byte[n * rowBytes]; // ≤ the spill's size
        var absolute = new byte[n * sizeof(long)];
        for (var r = 0; r < n; r++)
        {
            var at = order[r];
            var idLength = idOffsets[r + 1] - idOffsets[r];
            data.AsSpan(at + 8, idLength).CopyTo(ids.AsSpan(idOffsets[r]));
            var rest = data.AsSpan(at + 8 + idLength);
            rest[..4].CopyTo(itemIndex.AsSpan(r * sizeof(int)));
            rest.Slice(4, 2).CopyTo(queryIndex.AsSpan(r * sizeof(ushort)));
            rest.Slice(6, rowBytes).CopyTo(heads.AsSpan(r * rowBytes));
            BinaryPrimitives.WriteInt64LittleEndian(absolute.AsSpan(r * sizeof(long)), idByte + idOffsets[r]);
        }

        IdIndex.Build(ids, idOffsets, out var duplicate);
        if (duplicate >= 0)
        {
            var id = Encoding.UTF8.GetString(ids.AsSpan(idOffsets[duplicate], idOffsets[duplicate + 1] - idOffsets[duplicate]));
            throw new ArgumentException($"Item id '{id}' was added twice; item ids are distinct.");
        }

        RandomAccess.Write(handle, absolute, layout.IdOffsetsOffset + (row * sizeof(long)));
        RandomAccess.Write(handle, ids, layout.IdsOffset + idByte);
        RandomAccess.Write(handle, itemIndex, layout.ItemIndexOffset + (row * sizeof(int)));
        RandomAccess.Write(handle, queryIndex, layout.QueryIndexOffset + (row * sizeof(ushort)));
        RandomAccess.Write(handle, heads, layout.HeadsOffset + (row * rowBytes));
        return (row + n, idByte + ids.Length);
    }

    private void DeleteSpills()
    {
        for (var s = 0; s < _spills.Length; s++)
        {
            _spills[s]?.Dispose();
            _spills[s] = null!;
        }

        if (Directory.Exists(_spillDirectory))
        {
            Directory.Delete(_spillDirectory, recursive: true);
        }
    }
}
