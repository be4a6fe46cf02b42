using System.Numerics;
using FitCluster.Model.Numerics;

namespace FitCluster.Model.Catalog;

/// <summary>
/// Raw item ids of a set of rows without a string per row: their UTF-8 bytes back to back, an offset per row, and an
/// open-addressing hash table (linear probing, load ≤ ½) from id to row. About 4 + 8–16 bytes per row besides the ids.
/// </summary>
/// <remarks>Immutable after construction; thread-safe.</remarks>
internal sealed class IdIndex
{
    private readonly byte[] _ids;
    private readonly int[] _offsets;
    private readonly int[] _slots; // row + 1; 0 = empty
    private readonly int _shift;

    private IdIndex(byte[] ids, int[] offsets, int[] slots, int shift)
    {
        _ids = ids;
        _offsets = offsets;
        _slots = slots;
        _shift = shift;
    }

    public int Count => _offsets.Length - 1;

    public long Bytes => _ids.LongLength + (_offsets.LongLength * sizeof(int)) + (_slots.LongLength * sizeof(int));

    public ReadOnlySpan<byte> IdAt(int row) => _ids.AsSpan(_offsets[row], _offsets[row + 1] - _offsets[row]);

    /// <summary>Indexes the rows; <paramref name="duplicate"/> is the first row whose id an earlier row has, else −1.</summary>
    /// <param name="ids">The ids' UTF-8 bytes, row after row.</param>
    /// <param name="offsets">Count + 1 offsets into <paramref name="ids"/>, ascending; row r is [offsets[r], offsets[r + 1]).</param>
    /// <param name="duplicate">The first repeated row, or −1.</param>
    public static IdIndex Build(byte[] ids, int[] offsets, out int duplicate)
    {
        var count = offsets.Length - 1;
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, count * 2));
        var shift = 64 - BitOperations.Log2((uint)capacity);
        var slots = HugePages.Allocate<int>(capacity); // probed at random per lookup
        slots.AsSpan().Clear();
        var index = new IdIndex(ids, offsets, slots, shift);
        duplicate = -1;
        for (var row = 0; row < count; row++)
        {
            var id = index.IdAt(row);
            var slot = index.SlotOf(ItemIdHash.Fnv1a(id));
            while (slots[slot] != 0)
            {
                if (duplicate < 0 && index.IdAt(slots[slot] - 1).SequenceEqual(id))
                {
                    duplicate = row;
                }

                slot = (slot + 1) & (capacity - 1);
            }

            slots[slot] = row + 1;
        }

        return index;
    }

    /// <summary>The row of <paramref name="id"/> (UTF-8, whose FNV-1a is <paramref name="hash"/>), or −1.</summary>
    public int Find(ReadOnlySpan<byte> id, uint hash)
    {
        var mask = _slots.Length - 1;
        for (var slot = SlotOf(hash); ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                return -1;
            }

            var row = entry - 1;
            if (_offsets[row + 1] - _offsets[row] == id.Length && IdAt(row).SequenceEqual(id))
            {
                return row;
            }
        }
    }

    /// <summary>
    /// <see cref="Find"/> for many ids at once, with the same answers: first every id's slot is prefetched, then the
    /// row of each first probe, then its id bytes, and only then is each id compared. A shard of millions of rows is
    /// read at random three times per id (slot, offset, bytes); done id by id those misses follow one another, batched
    /// they overlap.
    /// </summary>
    /// <param name="utf8">The ids' UTF-8 bytes back to back.</param>
    /// <param name="offsets">Count + 1 offsets into <paramref name="utf8"/>.</param>
    /// <param name="hashes">FNV-1a of each id.</param>
    /// <param name="rows">Receives each id's row or −1.</param>
    public void FindMany(ReadOnlySpan<byte> utf8, ReadOnlySpan<int> offsets, ReadOnlySpan<uint> hashes, Span<int> rows)
    {
        var count = hashes.Length;
        if (offsets.Length != count + 1 || rows.Length != count)
        {
            throw new ArgumentException($"{count} hashes, {offsets.Length} offsets and {rows.Length} rows.");
        }

        for (var i = 0; i < count; i++)
        {
            var slot = SlotOf(hashes[i]);
            rows[i] = slot;
            Prefetch.Line(in _slots[slot]);
        }

        for (var i = 0; i < count; i++)
        {
            var entry = _slots[rows[i]];
            if (entry != 0)
            {
                Prefetch.Line(in _offsets[entry - 1]);
            }
        }

        for (var i = 0; i < count; i++)
        {
            var entry = _slots[rows[i]];
            if (entry != 0)
            {
                Prefetch.Line(in _ids[Math.Min(_offsets[entry - 1], _ids.Length - 1)]);
            }
        }

        for (var i = 0; i < count; i++)
        {
            rows[i] = Find(utf8[offsets[i]..offsets[i + 1]], hashes[i]);
        }
    }

    // Fibonacci hashing takes the product's high bits, which depend on every bit of the hash: the ids of one shard share
    // their hash modulo the shard count, so the low bits alone would crowd half (or more) of the slots.
    private int SlotOf(uint hash) => (int)((hash * 0x9E3779B97F4A7C15UL) >> _shift);
}
