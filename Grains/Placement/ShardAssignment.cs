using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace FitCluster.Grains.Placement;

/// <summary>
/// Which silo holds each item shard of a model version: a pure function of the silo set, the model version and the shard
/// count, so every silo (and every placement of a shard, whichever silo makes it) computes the same answer.
/// </summary>
/// <remarks>
/// <para>
/// Balanced rendezvous hashing. Every (shard, silo) pair gets a weight, XXH3 of (model version, shard index, silo); the
/// pairs are taken heaviest first, and a shard goes to the silo of its first pair whose silo still has room. Room: with S
/// shards over n silos every silo takes ⌊S/n⌋, and the first S mod n silos to fill up take one more. So every silo
/// holds ⌊S/n⌋ or ⌈S/n⌉ shards of each version — exactly even, the busiest silo as light as it can be — while a shard
/// keeps its rendezvous preference wherever the loads allow.
/// </para>
/// <para>
/// Pure rendezvous hashing (each shard on its heaviest silo) would move only the shards that must move on a join or a
/// leave, but spreads a few shards unevenly (16 shards over 3 silos: often 8 on one of them). Here a leave moves the
/// leaver's shards plus, to restore the exact balance, a few others (measured in docs/architecture.md, Placement);
/// a plain modulo over sorted silos would move most shards.
/// </para>
/// <para>The weights are a wire-level contract between silos: changing them makes silos of two builds disagree.</para>
/// </remarks>
public static class ShardAssignment
{
    /// <summary>
    /// The index into <paramref name="silos"/> of the silo holding each shard <c>0..shardCount-1</c> of
    /// <paramref name="modelVersion"/>. The answer depends on the silos as a set, not on their order.
    /// </summary>
    /// <param name="silos">Distinct silo identities (e.g. <c>SiloAddress.ToParsableString()</c>); at least one.</param>
    /// <param name="modelVersion">The model version whose shards are placed.</param>
    /// <param name="shardCount">Shards of the version; at least one.</param>
    public static int[] Assign(IReadOnlyList<string> silos, string modelVersion, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(silos);
        ArgumentNullException.ThrowIfNull(modelVersion);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        if (silos.Count == 0)
        {
            throw new ArgumentException("At least one silo is needed to place shards.", nameof(silos));
        }

        if (silos.Distinct(StringComparer.Ordinal).Count() != silos.Count)
        {
            throw new ArgumentException("Silo identities must be distinct.", nameof(silos));
        }

        var n = silos.Count;
        var version = HashOf(modelVersion);
        var siloHashes = new ulong[n];
        for (var j = 0; j < n; j++)
        {
            siloHashes[j] = HashOf(silos[j]);
        }

        var pairs = new Pair[(long)shardCount * n];
        for (var s = 0; s < shardCount; s++)
        {
            for (var j = 0; j < n; j++)
            {
                pairs[(s * n) + j] = new Pair(Weight(version, s, siloHashes[j]), s, j);
            }
        }

        // Heaviest first; ties (never seen with 64-bit weights, but defined) by shard, then by silo identity, so that the
        // answer never depends on the order the silos came in.
        Array.Sort(pairs, (a, b) =>
        {
            var byWeight = b.Weight.CompareTo(a.Weight);
            if (byWeight != 0)
            {
                return byWeight;
            }

            var byShard = a.Shard.CompareTo(b.Shard);
            return byShard != 0 ? byShard : string.CompareOrdinal(silos[a.Silo], silos[b.Silo]);
        });

        var floor = shardCount / n;
        var roomForOneMore = shardCount % n; // silos that may still take ⌈S/n⌉
        var loads = new int[n];
        var assignment = new int[shardCount];
        Array.Fill(assignment, -1);
        var placed = 0;
        foreach (var pair in pairs)
        {
            if (assignment[pair.Shard] >= 0)
            {
                continue;
            }

            if (loads[pair.Silo] == floor && roomForOneMore > 0)
            {
                roomForOneMore--;
            }
            else if (loads[pair.Silo] >= floor)
            {
                continue;
            }

            assignment[pair.Shard] = pair.Silo;
            loads[pair.Silo]++;
            if (++placed == shardCount)
            {
                break;
            }
        }

        return assignment;
    }

    /// <summary>
    /// The rendezvous weight of (model version, shard, silo): XXH3 (seed 0) of the 24 little-endian bytes
    /// <c>XXH3(version UTF-8) | shard | XXH3(silo UTF-8)</c>.
    /// </summary>
    public static ulong Weight(string modelVersion, long shard, string silo)
    {
        ArgumentNullException.ThrowIfNull(modelVersion);
        ArgumentNullException.ThrowIfNull(silo);
        return Weight(HashOf(modelVersion), shard, HashOf(silo));
    }

    private static ulong Weight(ulong version, long shard, ulong silo)
    {
        Span<byte> key = stackalloc byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(key, version);
        BinaryPrimitives.WriteInt64LittleEndian(key[8..], shard);
        BinaryPrimitives.WriteUInt64LittleEndian(key[16..], silo);
        return XxHash3.HashToUInt64(key);
    }

    private static ulong HashOf(string text) => XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(text));

    private readonly record struct Pair(ulong Weight, int Shard, int Silo);
}
