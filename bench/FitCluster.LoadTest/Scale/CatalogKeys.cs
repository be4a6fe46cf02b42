using System.Collections;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// The item keys of a catalog, computed on demand rather than held: rows below the source's item count keep the
/// source's keys (so its golden set and behaviours stay valid), later rows are <see cref="SyntheticItems.KeyOf"/>.
/// </summary>
/// <param name="SourceKeys">The source artifact's keys, in row order.</param>
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
}
