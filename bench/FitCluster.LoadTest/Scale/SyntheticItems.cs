using System.Globalization;
using FitCluster.Model.Artifacts;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// The generated part of a catalog: item keys and item features for the rows after the source artifact's own items.
/// Every value is a pure function of (seed, row, feature, slot) — a counter-based hash, not a stream — so a row's
/// features do not depend on the batch it was generated in, and any row can be recomputed on its own.
/// </summary>
/// <param name="ItemFields">The item features of the source artifact (name, vocabulary, width), in item tower input order.</param>
/// <param name="Seed">Seed of the draws.</param>
public sealed record SyntheticItems(IReadOnlyList<FeatureVocabulary> ItemFields, int Seed)
{
    /// <summary>Prefix of every generated item key; no source key may start with it.</summary>
    public const string KeyPrefix = "syn-";

    /// <summary>Item key of generated row <paramref name="row"/>: <c>syn-&lt;row&gt;</c>.</summary>
    public static string KeyOf(int row) => KeyPrefix + row.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the vocabulary indices of rows <paramref name="firstRow"/>.. into one buffer per item feature,
    /// <c>[rows, width]</c> row-major: a single-valued feature gets one value in 1..V−1; a multi-valued one (width w)
    /// 1..w distinct values in 1..V−1, padded with 0 (none). A vocabulary with only the padding row gives 0.
    /// </summary>
    /// <param name="firstRow">Catalog row of the first item written.</param>
    /// <param name="rows">How many rows.</param>
    /// <param name="destinations">One buffer per item feature of at least rows × width values.</param>
    public void Fill(int firstRow, int rows, IReadOnlyList<long[]> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        if (destinations.Count != ItemFields.Count)
        {
            throw new ArgumentException($"{destinations.Count} buffers for {ItemFields.Count} item features.", nameof(destinations));
        }

        for (var f = 0; f < ItemFields.Count; f++)
        {
            var width = ItemFields[f].Width;
            var values = ItemFields[f].Labels.Count - 1; // row 0 is padding
            var destination = destinations[f];
            for (var i = 0; i < rows; i++)
            {
                var row = firstRow + i;
                var slots = destination.AsSpan(i * width, width);
                slots.Clear();
                if (values < 1)
                {
                    continue;
                }

                var present = width == 1 ? 1 : 1 + (int)(Hash(row, f, -1) % (ulong)Math.Min(width, values));
                for (var s = 0; s < present; s++)
                {
                    // Distinct values: a probe from the hashed start skips values already taken (present ≤ values).
                    var value = 1 + (long)(Hash(row, f, s) % (ulong)values);
                    while (slots[..s].Contains(value))
                    {
                        value = value % values + 1;
                    }

                    slots[s] = value;
                }
            }
        }
    }

    // SplitMix64 over the packed coordinates: uniform, stateless, the same on every machine and run.
    private ulong Hash(int row, int field, int slot)
    {
        var x = ((ulong)(uint)Seed << 32) ^ ((ulong)(uint)row * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)(field + 1) << 20) ^ (uint)(slot + 1);
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
