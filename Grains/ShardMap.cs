using System.Text;

namespace FitCluster.Grains;

/// <summary>
/// Which shard holds each item of a model version, and its row there: items go to shards by FNV-1a of the item id's
/// UTF-8 bytes modulo the shard count — stable across processes, silos and versions, so every silo computes the same map.
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed class ShardMap
{
    private readonly int[] _shardOf;
    private readonly int[] _localOf;
    private readonly int[][] _rows;

    /// <summary>Builds the map of <paramref name="itemKeys"/> (item-table row order) over <paramref name="shardCount"/> shards.</summary>
    public ShardMap(IReadOnlyList<string> itemKeys, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(itemKeys);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ShardCount = shardCount;
        _shardOf = new int[itemKeys.Count];
        _localOf = new int[itemKeys.Count];
        var counts = new int[shardCount];
        for (var row = 0; row < itemKeys.Count; row++)
        {
            var shard = (int)(Fnv1a(itemKeys[row]) % (uint)shardCount);
            _shardOf[row] = shard;
            _localOf[row] = counts[shard]++;
        }

        _rows = new int[shardCount][];
        for (var s = 0; s < shardCount; s++)
        {
            _rows[s] = new int[counts[s]];
        }

        for (var row = 0; row < itemKeys.Count; row++)
        {
            _rows[_shardOf[row]][_localOf[row]] = row;
        }
    }

    /// <summary>Number of shards.</summary>
    public int ShardCount { get; }

    /// <summary>The shard of item-table row <paramref name="row"/>.</summary>
    public int ShardOf(int row) => _shardOf[row];

    /// <summary>The row of item-table row <paramref name="row"/> inside its shard.</summary>
    public int LocalRowOf(int row) => _localOf[row];

    /// <summary>The item-table rows shard <paramref name="shard"/> holds, in local-row order.</summary>
    public ReadOnlySpan<int> RowsOf(int shard) => _rows[shard];

    /// <summary>32-bit FNV-1a of the UTF-8 bytes of <paramref name="key"/>.</summary>
    public static uint Fnv1a(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> buffer = key.Length <= 128 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var length = Encoding.UTF8.GetBytes(key, buffer);
        var hash = 2166136261u;
        foreach (var b in buffer[..length])
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
