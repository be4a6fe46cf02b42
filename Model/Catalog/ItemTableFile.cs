using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Numerics;
using Microsoft.Win32.SafeHandles;

namespace FitCluster.Model.Catalog;

/// <summary>
/// An item table file (layout version 2, <c>docs/artifact.md</c>) opened for reading by parts: opening reads only the
/// header, the bucket index and which branches items use; <see cref="ReadShard"/> reads the rows of one shard's buckets
/// and nothing else, <see cref="ReadItems"/> the rows of named ids. No part of this class holds the whole catalog.
/// </summary>
/// <remarks>Immutable apart from <see cref="RowsRead"/>; thread-safe. Each read opens the file for its own duration.</remarks>
public sealed class ItemTableFile
{
    private readonly ItemTableLayout _layout;
    private readonly int[] _bucketStarts;
    private readonly ushort[] _usedBranches;
    private long _rowsRead;
    private AttributeSource? _attributes;

    private ItemTableFile(string path, ItemTableLayout layout, int[] bucketStarts, ushort[] usedBranches)
    {
        Path = path;
        _layout = layout;
        _bucketStarts = bucketStarts;
        _usedBranches = usedBranches;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Items in the table (M).</summary>
    public int Count => _layout.Count;

    /// <summary>H_v.</summary>
    public int ItemHeads => _layout.ItemHeads;

    /// <summary>p.</summary>
    public int HeadDim => _layout.HeadDim;

    /// <summary>N, the range of query indices (1 for Two-Tower).</summary>
    public int MetaSize => _layout.MetaSize;

    /// <summary>Hash buckets the items are grouped in; a cluster has at most this many shards with items.</summary>
    public int BucketCount => _layout.BucketCount;

    /// <summary>Whether heads are stored as float16.</summary>
    public bool IsHalf => _layout.IsHalf;

    /// <summary>Bytes of heads plus query index per item, as stored.</summary>
    public int BytesPerItem => (int)_layout.RowBytes + sizeof(ushort);

    /// <summary>The query indices some item has, ascending: the user branches that can ever score (FIT, eq. 8).</summary>
    public ReadOnlySpan<ushort> UsedBranches => _usedBranches;

    /// <summary>D, the width of the attribute rows shards read with their items (0 when none are attached).</summary>
    public int AttributeDim => _attributes?.Dim ?? 0;

    /// <summary>
    /// Lets every shard read its items' attribute rows e_c (FIT, eq. 4; the <c>item.attributes</c> tensor of
    /// <c>weights.bin</c>, row = item index) with its other rows, so that a shard can answer a behaviour with the row
    /// the user tower needs and no silo holds the whole tensor (<see cref="ItemShard.AttributesOf"/>).
    /// </summary>
    /// <param name="weightsPath">The weights file.</param>
    /// <param name="offset">Byte offset of the tensor in it.</param>
    /// <param name="rows">V, rows of the tensor (item indices 0..V − 1).</param>
    /// <param name="dim">D, floats per row.</param>
    public void AttachAttributes(string weightsPath, long offset, int rows, int dim)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        _attributes = new AttributeSource(weightsPath, offset, rows, dim);
    }

    /// <summary>Rows materialized by <see cref="ReadShard"/> and <see cref="ReadItems"/> since opening (every row read counts, each time).</summary>
    public long RowsRead => Interlocked.Read(ref _rowsRead);

    /// <summary>Opens and checks a table: header, file length and bucket index.</summary>
    /// <exception cref="ArtifactException">The file is missing, truncated, of another layout, or its index is inconsistent.</exception>
    public static ItemTableFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using var handle = File.OpenHandle(path);
            var header = new byte[ItemTableLayout.HeaderBytes];
            var length = RandomAccess.GetLength(handle);
            if (RandomAccess.Read(handle, header, 0) != header.Length)
            {
                throw new ArtifactException($"{path}: not an item table (bad header).");
            }

            var layout = ItemTableLayout.ReadHeader(path, header);
            if (length != layout.TotalBytes)
            {
                throw new ArtifactException($"{path}: {length:N0} bytes, but its header describes {layout.TotalBytes:N0} (truncated or corrupt).");
            }

            var starts = new int[layout.BucketCount + 1];
            RandomAccess.Read(handle, MemoryMarshal.AsBytes(starts.AsSpan()), ItemTableLayout.BucketsOffset);
            if (starts[0] != 0 || starts[^1] != layout.Count)
            {
                throw new ArtifactException($"{path}: the bucket index does not cover the {layout.Count:N0} items.");
            }

            for (var b = 0; b < layout.BucketCount; b++)
            {
                if (starts[b + 1] < starts[b])
                {
                    throw new ArtifactException($"{path}: bucket {b} ends before it starts.");
                }
            }

            var branches = new byte[layout.MetaSize];
            RandomAccess.Read(handle, branches, layout.BranchesOffset);
            var used = new List<ushort>();
            for (var n = 0; n < branches.Length; n++)
            {
                if (branches[n] > 1)
                {
                    throw new ArtifactException($"{path}: the branch mask holds {branches[n]} for branch {n}.");
                }

                if (branches[n] == 1)
                {
                    used.Add((ushort)n);
                }
            }

            return new ItemTableFile(path, layout, starts, [.. used]);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new ArtifactException($"{path}: {e.Message}", e);
        }
        catch (FileNotFoundException e)
        {
            throw new ArtifactException($"{path}: missing.", e);
        }
    }

    /// <summary>The bucket of a raw id in this table.</summary>
    public int BucketOf(string id) => ItemIdHash.BucketOf(ItemIdHash.Fnv1a(id), BucketCount);

    /// <summary>Rows of the buckets shard <paramref name="shard"/> of <paramref name="shardCount"/> owns (b mod S = s).</summary>
    public int RowsInShard(int shard, int shardCount)
    {
        CheckShard(shard, shardCount);
        var rows = 0;
        for (var b = shard; b < BucketCount; b += shardCount)
        {
            rows += _bucketStarts[b + 1] - _bucketStarts[b];
        }

        return rows;
    }

    /// <summary>
    /// Reads the rows of shard <paramref name="shard"/> of <paramref name="shardCount"/>: every bucket b with
    /// b mod S = s, in bucket order, and no other row. Checks each row (its id hashes to its bucket, query index below N,
    /// item index ≥ 1, finite heads) and that no id repeats.
    /// </summary>
    /// <exception cref="ArtifactException">The rows are inconsistent or the file changed size.</exception>
    public ItemShard ReadShard(int shard, int shardCount)
    {
        CheckShard(shard, shardCount);
        var buckets = new List<int>();
        for (var b = shard; b < BucketCount; b += shardCount)
        {
            if (_bucketStarts[b + 1] > _bucketStarts[b])
            {
                buckets.Add(b);
            }
        }

        return Read(buckets, null);
    }

    /// <summary>
    /// Reads just the rows of <paramref name="ids"/> that the table holds (a golden check, a tool): the id section of their
    /// buckets is scanned, and only matching rows are materialized. Ids the table lacks are simply absent from the result.
    /// </summary>
    /// <exception cref="ArtifactException">The rows read are inconsistent.</exception>
    public ItemShard ReadItems(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
        var buckets = new SortedSet<int>();
        foreach (var id in wanted)
        {
            buckets.Add(BucketOf(id));
        }

        return Read([.. buckets], wanted);
    }

    /// <summary>Every id in the table, in row order, read bucket by bucket (tools; a string per id, never all held).</summary>
    public IEnumerable<string> ReadIds()
    {
        for (var b = 0; b < BucketCount; b++)
        {
            if (_bucketStarts[b + 1] == _bucketStarts[b])
            {
                continue;
            }

            var (ids, offsets) = ReadBucketIds(b);
            for (var r = 0; r + 1 < offsets.Length; r++)
            {
                yield return Encoding.UTF8.GetString(ids, offsets[r], offsets[r + 1] - offsets[r]);
            }
        }
    }

    private static void CheckShard(int shard, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, shardCount);
    }

    // The ids of bucket b: their bytes and bucket-local offsets (count + 1), checked.
    private (byte[] Ids, int[] Offsets) ReadBucketIds(int bucket)
    {
        using var handle = File.OpenHandle(Path);
        return ReadBucketIds(handle, bucket);
    }

    private (byte[] Ids, int[] Offsets) ReadBucketIds(SafeFileHandle handle, int bucket)
    {
        var first = _bucketStarts[bucket];
        var rows = _bucketStarts[bucket + 1] - first;
        var absolute = new long[rows + 1];
        ReadExactly(handle, MemoryMarshal.AsBytes(absolute.AsSpan()), _layout.IdOffsetsOffset + ((long)first * sizeof(long)));
        var offsets = new int[rows + 1];
        for (var r = 0; r < rows; r++)
        {
            var length = absolute[r + 1] - absolute[r];
            if (length is < 1 or > ItemIdHash.MaxIdBytes || absolute[r] < 0 || absolute[r + 1] > _layout.IdBytes)
            {
                throw new ArtifactException($"{Path}: the id of row {first + r:N0} has an invalid extent.");
            }

            offsets[r + 1] = offsets[r] + (int)length;
        }

        var ids = new byte[offsets[rows]];
        ReadExactly(handle, ids, _layout.IdsOffset + absolute[0]);
        for (var r = 0; r < rows; r++)
        {
            if (ItemIdHash.BucketOf(ItemIdHash.Fnv1a(ids.AsSpan(offsets[r], offsets[r + 1] - offsets[r])), BucketCount) != bucket)
            {
                throw new ArtifactException($"{Path}: row {first + r:N0} is stored in bucket {bucket}, which its id does not hash to.");
            }
        }

        return (ids, offsets);
    }

    // The rows of `buckets` (all of them, or only those whose id is in `wanted`), in bucket order.
    private ItemShard Read(List<int> buckets, HashSet<string>? wanted)
    {
        using var handle = File.OpenHandle(Path);
        var ids = new List<(byte[] Ids, int[] Offsets, int FirstRow, List<int>? Rows)>(buckets.Count);
        var count = 0;
        var idBytes = 0L;
        foreach (var b in buckets)
        {
            var (bytes, offsets) = ReadBucketIds(handle, b);
            List<int>? rows = null;
            if (wanted is not null)
            {
                rows = [];
                for (var r = 0; r + 1 < offsets.Length; r++)
                {
                    if (wanted.Contains(Encoding.UTF8.GetString(bytes, offsets[r], offsets[r + 1] - offsets[r])))
                    {
                        rows.Add(r);
                        idBytes += offsets[r + 1] - offsets[r];
                    }
                }

                count += rows.Count;
            }
            else
            {
                count += offsets.Length - 1;
                idBytes += bytes.Length;
            }

            ids.Add((bytes, offsets, _bucketStarts[b], rows));
        }

        if (idBytes > Array.MaxLength || (long)count * _layout.RowSize > Array.MaxLength)
        {
            throw new ArtifactException(
                $"{Path}: one shard would hold {count:N0} items ({idBytes:N0} bytes of ids), more than one array holds; use more shards.");
        }

        // Every element below is written before it is read (uninitialised, pinned, in huge pages where large: HugePages).
        var allIds = HugePages.Allocate<byte>(idBytes);
        var idOffsets = HugePages.Allocate<int>(count + 1);
        idOffsets[0] = 0;
        var itemIndex = HugePages.Allocate<int>(count);
        var queryIndex = HugePages.Allocate<ushort>(count);
        var rowSize = _layout.RowSize;
        var single = IsHalf ? null : HugePages.Allocate<float>((long)count * rowSize);
        var half = IsHalf ? HugePages.Allocate<Half>((long)count * rowSize) : null;
        var row = 0;
        foreach (var (bytes, offsets, firstRow, rows) in ids)
        {
            if (rows is null)
            {
                var n = offsets.Length - 1;
                bytes.CopyTo(allIds, idOffsets[row]);
                for (var r = 0; r < n; r++)
                {
                    idOffsets[row + r + 1] = idOffsets[row] + offsets[r + 1];
                }

                ReadRows(handle, firstRow, n, row, itemIndex, queryIndex, single, half);
                row += n;
                continue;
            }

            foreach (var r in rows)
            {
                var length = offsets[r + 1] - offsets[r];
                bytes.AsSpan(offsets[r], length).CopyTo(allIds.AsSpan(idOffsets[row]));
                idOffsets[row + 1] = idOffsets[row] + length;
                ReadRows(handle, firstRow + r, 1, row, itemIndex, queryIndex, single, half);
                row++;
            }
        }

        Interlocked.Add(ref _rowsRead, count);
        var attributes = _attributes is { } source ? ReadAttributes(source, itemIndex) : null;
        var index = IdIndex.Build(allIds, idOffsets, out var duplicate);
        if (duplicate >= 0)
        {
            throw new ArtifactException($"{Path}: item id '{Encoding.UTF8.GetString(index.IdAt(duplicate))}' appears twice.");
        }

        return new ItemShard(index, itemIndex, ItemTable.FromStorage(ItemHeads, HeadDim, MetaSize, queryIndex, single, half), attributes, AttributeDim);
    }

    // The attribute row of each of the shard's items, read in item-index order through a 1 MB window (a shard's items are
    // spread over the whole tensor), checked: an item index outside the tensor, a short file, a non-finite value.
    private static float[] ReadAttributes(AttributeSource source, int[] itemIndex)
    {
        var dim = source.Dim;
        var rowBytes = dim * sizeof(float);
        var attributes = HugePages.Allocate<float>((long)itemIndex.Length * dim);
        var order = new int[itemIndex.Length];
        for (var r = 0; r < order.Length; r++)
        {
            order[r] = r;
        }

        Array.Sort((int[])itemIndex.Clone(), order);
        using var handle = File.OpenHandle(source.Path);
        var buffer = new byte[Math.Max(1 << 20, rowBytes)];
        long windowStart = 0, windowEnd = 0;
        foreach (var r in order)
        {
            if ((uint)itemIndex[r] >= (uint)source.Rows)
            {
                throw new ArtifactException($"{source.Path}: item index {itemIndex[r]:N0} has no row in item.attributes ({source.Rows:N0} rows).");
            }

            var at = source.Offset + ((long)itemIndex[r] * rowBytes);
            if (at < windowStart || at + rowBytes > windowEnd)
            {
                var read = RandomAccess.Read(handle, buffer, at);
                if (read < rowBytes)
                {
                    throw new ArtifactException($"{source.Path}: ends early (item.attributes row {itemIndex[r]:N0}).");
                }

                windowStart = at;
                windowEnd = at + read;
            }

            MemoryMarshal.Cast<byte, float>(buffer.AsSpan((int)(at - windowStart), rowBytes)).CopyTo(attributes.AsSpan(r * dim, dim));
        }

        if (attributes.Length > 0 && !float.IsFinite(TensorPrimitives.MaxMagnitude(attributes)))
        {
            throw new ArtifactException($"{source.Path}: item.attributes holds a non-finite value.");
        }

        return attributes;
    }

    private sealed record AttributeSource(string Path, long Offset, int Rows, int Dim);

    // Rows first .. first + n − 1 of the file into rows at .. at + n − 1 of the arrays, checked.
    private void ReadRows(SafeFileHandle handle, int first, int n, int at, int[] itemIndex, ushort[] queryIndex, float[]? single, Half[]? half)
    {
        ReadExactly(handle, MemoryMarshal.AsBytes(itemIndex.AsSpan(at, n)), _layout.ItemIndexOffset + ((long)first * sizeof(int)));
        ReadExactly(handle, MemoryMarshal.AsBytes(queryIndex.AsSpan(at, n)), _layout.QueryIndexOffset + ((long)first * sizeof(ushort)));
        var rowSize = _layout.RowSize;
        var headsAt = _layout.HeadsOffset + ((long)first * _layout.RowBytes);
        if (single is not null)
        {
            var heads = single.AsSpan(at * rowSize, n * rowSize);
            ReadExactly(handle, MemoryMarshal.AsBytes(heads), headsAt);
            if (!heads.IsEmpty && !float.IsFinite(TensorPrimitives.MaxMagnitude(heads))) // NaN or ∞ when any value is (a sum could overflow)
            {
                throw new ArtifactException($"{Path}: the item heads hold a non-finite value (rows {first:N0}..{first + n - 1:N0}).");
            }
        }
        else
        {
            var heads = half.AsSpan(at * rowSize, n * rowSize);
            ReadExactly(handle, MemoryMarshal.AsBytes(heads), headsAt);
            foreach (var value in heads)
            {
                if (!Half.IsFinite(value))
                {
                    throw new ArtifactException($"{Path}: the item heads hold a non-finite value (rows {first:N0}..{first + n - 1:N0}).");
                }
            }
        }

        for (var r = at; r < at + n; r++)
        {
            if (queryIndex[r] >= MetaSize || itemIndex[r] < 1)
            {
                throw new ArtifactException(
                    $"{Path}: row {first + r - at:N0} has query index {queryIndex[r]} (N = {MetaSize}) and item index {itemIndex[r]} (≥ 1 required).");
            }
        }
    }

    private void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                throw new ArtifactException($"{Path}: ends early (truncated while being read).");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }
}
