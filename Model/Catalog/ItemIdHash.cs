using System.Text;

namespace FitCluster.Model.Catalog;

/// <summary>
/// The stable hash of a raw item id that places it in the catalog: 32-bit FNV-1a of the id's UTF-8 bytes. It is the same
/// in every process, silo, platform and version (unlike <see cref="string.GetHashCode()"/>, which is randomized per
/// process), so a writer and every reader agree on an item's bucket and shard without sharing any table.
/// </summary>
public static class ItemIdHash
{
    /// <summary>The longest item id accepted, in UTF-8 bytes.</summary>
    public const int MaxIdBytes = 1024;

    private const uint OffsetBasis = 2166136261u;
    private const uint Prime = 16777619u;

    /// <summary>32-bit FNV-1a of <paramref name="utf8"/>.</summary>
    public static uint Fnv1a(ReadOnlySpan<byte> utf8)
    {
        var hash = OffsetBasis;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }

    /// <summary>32-bit FNV-1a of the UTF-8 bytes of <paramref name="id"/>.</summary>
    public static uint Fnv1a(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var max = Encoding.UTF8.GetMaxByteCount(id.Length);
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        return Fnv1a(buffer[..Encoding.UTF8.GetBytes(id, buffer)]);
    }

    /// <summary>The bucket (0..<paramref name="bucketCount"/>−1) of an id's hash.</summary>
    public static int BucketOf(uint hash, int bucketCount) => (int)(hash % (uint)bucketCount);

    /// <summary>The shard that owns a bucket: bucket modulo the shard count.</summary>
    public static int ShardOfBucket(int bucket, int shardCount) => bucket % shardCount;
}
