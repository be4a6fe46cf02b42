using System.Collections;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// The item keys of a catalog, computed on demand rather than held: rows below the source's item count keep the
/// source's keys (so its golden set and behaviours stay valid), later rows are <see cref="SyntheticItems.KeyOf"/>.
/// </summary>
/// <param name="SourceKeys">The source artifact's keys in item order: the key of item index i + 1 at i (<see cref="SourceKeysOf(ModelArtifact)"/>).</param>
/// <param name="Count">Rows of the catalog (≥ the source's).</param>
public sealed record CatalogKeys(IReadOnlyList<string> SourceKeys, int Count) : IReadOnlyList<string>
{
    /// <inheritdoc />
    public string this[int index] =>
        (uint)index >= (uint)Count ? throw new ArgumentOutOfRangeException(nameof(index))
        : index < SourceKeys.Count ? SourceKeys[index] : SyntheticItems.KeyOf(index);

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The source artifact's item ids in item order, read from its item table (all of it: a source is small).</summary>
    /// <exception cref="ArtifactException">The table's item indices are not exactly 1..M of the manifest.</exception>
    public static string[] SourceKeysOf(ModelArtifact source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SourceKeysOf(source.ItemFile.ReadShard(0, 1), source.Manifest.Dims.ItemCount, source.Directory);
    }

    /// <summary>
    /// The ids of <paramref name="items"/> (every item of a table) in item order: the id of item index i + 1 at i.
    /// </summary>
    /// <param name="items">The whole table, as one shard.</param>
    /// <param name="itemCount">M of the manifest.</param>
    /// <param name="origin">Names the artifact in errors.</param>
    /// <exception cref="ArtifactException">The item indices are not exactly 1..<paramref name="itemCount"/>: the catalog's
    /// rows (item index r + 1) would not line up with the source's <c>item.attributes</c>.</exception>
    public static string[] SourceKeysOf(ItemShard items, int itemCount, string origin)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count != itemCount)
        {
            throw new ArtifactException($"{origin}: the item table holds {items.Count:N0} items, the manifest {itemCount:N0}.");
        }

        var keys = new string[itemCount];
        for (var row = 0; row < items.Count; row++)
        {
            var index = items.ItemIndexOf(row);
            if (index < 1 || index > itemCount || keys[index - 1] is not null)
            {
                throw new ArtifactException($"{origin}: item '{items.IdOf(row)}' has item index {index}; a source's items must be exactly 1..{itemCount:N0}.");
            }

            keys[index - 1] = items.IdOf(row);
        }

        return keys;
    }
}
