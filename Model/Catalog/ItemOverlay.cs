using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Catalog;

/// <summary>
/// The items written to one shard after its model version was exported (item upserts and deletes), over the shard's
/// rows from the artifact: an upserted id is scored from its row here (new heads and query index), a deleted id is
/// unknown, any other id is the artifact's. Each change carries its write's sequence number, so that one arriving
/// twice, or after a newer one for the same id, changes nothing.
/// </summary>
/// <remarks>
/// Float32 rows whatever the artifact's precision. Not thread-safe: one writer, and readers in between (a grain's
/// turns). Rows freed by deletes are reused; <see cref="Table"/> is replaced when the overlay grows.
/// </remarks>
public sealed class ItemOverlay
{
    /// <summary>The row of a deleted id.</summary>
    public const int Deleted = -1;

    private readonly Dictionary<string, (int Row, long Sequence)> _entries = new(StringComparer.Ordinal);
    private readonly Stack<int> _free = new();
    private readonly int _itemHeads;
    private readonly int _headDim;
    private readonly int _metaSize;
    private float[] _heads;
    private ushort[] _queryIndex;
    private int _used;

    /// <summary>An empty overlay for rows of <paramref name="itemHeads"/> × <paramref name="headDim"/> floats.</summary>
    public ItemOverlay(int itemHeads, int headDim, int metaSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(itemHeads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(metaSize, 1);
        _itemHeads = itemHeads;
        _headDim = headDim;
        _metaSize = metaSize;
        _heads = [];
        _queryIndex = [];
        Table = ItemTable.FromSingle(itemHeads, headDim, metaSize, _queryIndex, _heads);
    }

    /// <summary>The overlay's rows, for the scorer (rows not in use hold zeros or old values and are never named).</summary>
    public ItemTable Table { get; private set; }

    /// <summary>Whether nothing was written: every id is the artifact's.</summary>
    public bool IsEmpty => _entries.Count == 0;

    /// <summary>Ids upserted (live rows).</summary>
    public int Upserted => _entries.Count - Tombstones;

    /// <summary>Ids deleted.</summary>
    public int Tombstones { get; private set; }

    /// <summary>Bytes held for rows (ids and the dictionary not counted).</summary>
    public long RowBytes => ((long)_heads.Length * sizeof(float)) + ((long)_queryIndex.Length * sizeof(ushort));

    /// <summary>
    /// What the overlay says of <paramref name="id"/>: true with its row (≥ 0) when upserted, true with
    /// <see cref="Deleted"/> when deleted, false when the overlay does not name it (the artifact's row, if any, stands).
    /// </summary>
    public bool TryFind(string id, out int row)
    {
        if (_entries.Count > 0 && _entries.TryGetValue(id, out var entry))
        {
            row = entry.Row;
            return true;
        }

        row = Deleted;
        return false;
    }

    /// <summary>Whether a change with <paramref name="sequence"/> for <paramref name="id"/> is newer than what the overlay holds.</summary>
    public bool IsNewer(string id, long sequence) => !_entries.TryGetValue(id, out var entry) || sequence > entry.Sequence;

    /// <summary>Sets <paramref name="id"/>'s heads and query index (a change older than the one held is ignored).</summary>
    /// <returns>Whether the change was applied.</returns>
    public bool Upsert(string id, long sequence, ReadOnlySpan<float> heads, ushort queryIndex)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var rowSize = _itemHeads * _headDim;
        if (heads.Length != rowSize || queryIndex >= _metaSize)
        {
            throw new ArgumentException($"Item '{id}': {heads.Length} head values (expected {rowSize}) and query index {queryIndex} (N = {_metaSize}).");
        }

        var exists = _entries.TryGetValue(id, out var entry);
        if (exists && sequence <= entry.Sequence)
        {
            return false;
        }

        var row = exists && entry.Row >= 0 ? entry.Row : Allocate();
        if (exists && entry.Row < 0)
        {
            Tombstones--;
        }

        heads.CopyTo(_heads.AsSpan(row * rowSize, rowSize));
        _queryIndex[row] = queryIndex;
        _entries[id] = (row, sequence);
        return true;
    }

    /// <summary>Deletes <paramref name="id"/> (a change older than the one held is ignored).</summary>
    /// <returns>Whether the change was applied.</returns>
    public bool Delete(string id, long sequence)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var exists = _entries.TryGetValue(id, out var entry);
        if (exists && sequence <= entry.Sequence)
        {
            return false;
        }

        if (exists && entry.Row >= 0)
        {
            _queryIndex[entry.Row] = 0;
            _free.Push(entry.Row);
        }

        if (!exists || entry.Row >= 0)
        {
            Tombstones++;
        }

        _entries[id] = (Deleted, sequence);
        return true;
    }

    private int Allocate()
    {
        if (_free.TryPop(out var row))
        {
            return row;
        }

        if (_used == _queryIndex.Length)
        {
            var capacity = Math.Max(16, _queryIndex.Length * 2);
            Array.Resize(ref _queryIndex, capacity);
            Array.Resize(ref _heads, capacity * _itemHeads * _headDim);
            Table = ItemTable.FromSingle(_itemHeads, _headDim, _metaSize, _queryIndex, _heads);
        }

        return _used++;
    }
}
