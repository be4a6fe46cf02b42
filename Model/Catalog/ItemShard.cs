using System.Buffers;
using System.Text;
using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Catalog;

/// <summary>
/// The rows of the catalog one shard owns, in memory: each item's raw id (UTF-8, indexed for lookup), its item index
/// (the model's vocabulary index, what the user tower takes for a behaviour), its query index s and its heads z_v
/// (FIT, eq. 8 and 12) as one contiguous float32 or float16 array. Resolves raw ids to local rows itself: no other table
/// is needed to score or resolve this shard's items.
/// </summary>
/// <remarks>Immutable after construction; thread-safe.</remarks>
public sealed class ItemShard
{
    private readonly IdIndex _ids;
    private readonly int[] _itemIndex;
    private readonly float[]? _attributes; // e_c per row, [Count, AttributeDim], when the shard was read with them

    internal ItemShard(IdIndex ids, int[] itemIndex, ItemTable items, float[]? attributes = null, int attributeDim = 0)
    {
        _ids = ids;
        _itemIndex = itemIndex;
        Items = items;
        _attributes = attributes;
        AttributeDim = attributes is null ? 0 : attributeDim;
    }

    /// <summary>Whether the shard holds its items' attribute rows (<see cref="AttributesOf"/>).</summary>
    public bool HasAttributes => _attributes is not null;

    /// <summary>D, floats per attribute row (0 without them).</summary>
    public int AttributeDim { get; }

    /// <summary>e_c of local row <paramref name="row"/> (FIT, eq. 4): the user tower's key for a behaviour on this item.</summary>
    /// <exception cref="InvalidOperationException">The shard was read without attribute rows.</exception>
    public ReadOnlySpan<float> AttributesOf(int row) =>
        _attributes is null
            ? throw new InvalidOperationException("This shard was read without its items' attribute rows.")
            : _attributes.AsSpan(row * AttributeDim, AttributeDim);

    /// <summary>Rows held.</summary>
    public int Count => _itemIndex.Length;

    /// <summary>Query indices and heads of the rows, for the scorers (row r here is local row r).</summary>
    public ItemTable Items { get; }

    /// <summary>Bytes held for ids, their index, item indices, query indices and heads.</summary>
    public long ResidentBytes => _ids.Bytes + (_itemIndex.LongLength * sizeof(int)) + ((long)Count * Items.BytesPerItem) + ((_attributes?.LongLength ?? 0) * sizeof(float));

    /// <summary>
    /// Builds a shard from rows in memory (tests, tools). Serving reads its shards from the item table file
    /// (<see cref="ItemTableFile.ReadShard"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, an id is empty or repeated, or an item index is below 1.</exception>
    public static ItemShard Create(IReadOnlyList<string> ids, IReadOnlyList<int> itemIndex, ItemTable items)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(itemIndex);
        ArgumentNullException.ThrowIfNull(items);
        if (ids.Count != items.Count || itemIndex.Count != items.Count)
        {
            throw new ArgumentException($"{ids.Count} ids and {itemIndex.Count} item indices for {items.Count} rows.");
        }

        var offsets = new int[ids.Count + 1];
        var bytes = new List<byte>();
        for (var r = 0; r < ids.Count; r++)
        {
            if (string.IsNullOrEmpty(ids[r]) || itemIndex[r] < 1)
            {
                throw new ArgumentException($"Row {r}: an item needs a non-empty id and an item index ≥ 1.");
            }

            bytes.AddRange(Encoding.UTF8.GetBytes(ids[r]));
            offsets[r + 1] = bytes.Count;
        }

        var index = IdIndex.Build([.. bytes], offsets, out var duplicate);
        return duplicate >= 0
            ? throw new ArgumentException($"Item id '{ids[duplicate]}' appears twice.")
            : new ItemShard(index, [.. itemIndex], items);
    }

    /// <summary>The local row of <paramref name="id"/>, or −1 when this shard does not hold it.</summary>
    public int Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var max = Encoding.UTF8.GetMaxByteCount(id.Length);
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        var utf8 = buffer[..Encoding.UTF8.GetBytes(id, buffer)];
        return _ids.Find(utf8, ItemIdHash.Fnv1a(utf8));
    }

    /// <summary>
    /// The local row of each of <paramref name="ids"/> (−1 where this shard does not hold it) into
    /// <paramref name="rows"/>: the same answers as <see cref="Find"/> id by id, with the memory reads of all ids
    /// overlapped (<see cref="IdIndex.FindMany"/>) — what a request's candidates need from a shard of millions of rows.
    /// </summary>
    public void FindAll(IReadOnlyList<string> ids, Span<int> rows)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (rows.Length != ids.Count)
        {
            throw new ArgumentException($"{ids.Count} ids and {rows.Length} rows.", nameof(rows));
        }

        var count = ids.Count;
        var capacity = 0L;
        for (var i = 0; i < count; i++)
        {
            ArgumentNullException.ThrowIfNull(ids[i], nameof(ids));
            capacity += Encoding.UTF8.GetMaxByteCount(ids[i].Length);
        }

        if (capacity > Array.MaxLength)
        {
            for (var i = 0; i < count; i++)
            {
                rows[i] = Find(ids[i]);
            }

            return;
        }

        var bytes = ArrayPool<byte>.Shared.Rent((int)capacity);
        var offsets = ArrayPool<int>.Shared.Rent(count + 1);
        var hashes = ArrayPool<uint>.Shared.Rent(count);
        try
        {
            offsets[0] = 0;
            for (var i = 0; i < count; i++)
            {
                var written = Encoding.UTF8.GetBytes(ids[i], bytes.AsSpan(offsets[i]));
                offsets[i + 1] = offsets[i] + written;
                hashes[i] = ItemIdHash.Fnv1a(bytes.AsSpan(offsets[i], written));
            }

            _ids.FindMany(bytes.AsSpan(0, offsets[count]), offsets.AsSpan(0, count + 1), hashes.AsSpan(0, count), rows);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<int>.Shared.Return(offsets);
            ArrayPool<uint>.Shared.Return(hashes);
        }
    }

    /// <summary>The item index (≥ 1) of local row <paramref name="row"/>: the user tower's id of the item.</summary>
    public int ItemIndexOf(int row) => _itemIndex[row];

    /// <summary>The raw id of local row <paramref name="row"/> (allocates a string: tools and tests, not the hot path).</summary>
    public string IdOf(int row) => Encoding.UTF8.GetString(_ids.IdAt(row));
}
