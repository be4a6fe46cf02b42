using System.Globalization;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// Makes the catalog a configuration serves: the source artifact's items first (rows, keys and e_c unchanged, so its
/// golden set still verifies), then generated items — features from <see cref="SyntheticItems"/>, embedded by the
/// source's own item tower (<see cref="ItemTowerSession"/>) in batches — written through <see cref="CatalogWriter"/>
/// into <c>DIR.partial</c>, sealed, and renamed to <c>DIR</c>. A sealed catalog of the same model version is reused.
/// </summary>
public static class CatalogGenerator
{
    /// <summary>Items embedded per item tower call.</summary>
    public const int BatchSize = 4096;

    /// <summary>The catalog's model version: the source's, the item count, the precision and the seed of its features.</summary>
    public static string ModelVersionOf(string sourceVersion, int items, bool half, int seed) =>
        string.Create(CultureInfo.InvariantCulture, $"{sourceVersion}-scale{items}-{(half ? "fp16" : "fp32")}-s{seed}");

    /// <summary>
    /// The sealed catalog of <paramref name="items"/> rows in <paramref name="directory"/>: reused when one of the same
    /// model version is there and passes the listing check, generated otherwise.
    /// </summary>
    /// <param name="source">The loaded source artifact (FIT).</param>
    /// <param name="directory">The catalog folder.</param>
    /// <param name="items">Catalog rows, ≥ the source's item count.</param>
    /// <param name="half">float16 heads.</param>
    /// <param name="seed">Seed of the generated features.</param>
    /// <param name="progress">Rows written so far (reported per batch).</param>
    /// <param name="cancellationToken">Stops between batches; the unfinished folder is left unsealed.</param>
    /// <returns>The catalog's manifest and whether it was generated now (false: reused).</returns>
    public static (ModelManifest Manifest, bool Generated) Ensure(
        ModelArtifact source, string directory, int items, bool half, int seed, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var version = ModelVersionOf(source.ModelVersion, items, half, seed);
        if (Directory.Exists(directory) && ModelArtifact.Inspect(directory) is { Problem: null, Manifest: { } existing } && existing.ModelVersion == version)
        {
            progress?.Report(items);
            return (existing, false);
        }

        var sourceItems = source.ItemFile.ReadShard(0, 1);
        var sourceKeys = CatalogKeys.SourceKeysOf(sourceItems, source.Manifest.Dims.ItemCount, source.Directory);
        foreach (var key in sourceKeys)
        {
            if (key.StartsWith(SyntheticItems.KeyPrefix, StringComparison.Ordinal))
            {
                throw new ArtifactException($"{source.Directory}: item key '{key}' starts with '{SyntheticItems.KeyPrefix}', the prefix of generated items.");
            }
        }

        var partial = directory + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        var dims = source.Manifest.Dims;
        ModelManifest manifest;
        using (var writer = CatalogWriter.Create(source, partial, new CatalogKeys(sourceKeys, items), half))
        {
            WriteSourceRows(source, sourceItems, sourceKeys, writer);
            progress?.Report(dims.ItemCount);
            using var tower = new ItemTowerSession(source);
            var synthetic = new SyntheticItems(source.Manifest.ItemFields, seed);
            var features = source.Manifest.ItemFields.Select(f => new long[BatchSize * f.Width]).ToList();
            var heads = new float[BatchSize * dims.ItemHeadSize];
            var attributes = new float[BatchSize * dims.ItemAttributeDim];
            var queryIndex = new ushort[BatchSize];
            for (var first = dims.ItemCount; first < items; first += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = Math.Min(BatchSize, items - first);
                synthetic.Fill(first, rows, features);
                tower.Run(rows, features, heads, queryIndex, attributes);
                writer.WriteRows(first, heads.AsSpan(0, rows * dims.ItemHeadSize), queryIndex.AsSpan(0, rows), attributes.AsSpan(0, rows * dims.ItemAttributeDim));
                progress?.Report(first + rows);
            }

            manifest = writer.Complete(version);
        }

        Directory.Move(partial, directory);
        return (manifest, true);
    }

    // The source's items as catalog rows 0..M−1 in item order (row r = item index r + 1, as in the source's e_c rows).
    private static void WriteSourceRows(ModelArtifact source, ItemShard items, string[] keys, CatalogWriter writer)
    {
        var dims = source.Manifest.Dims;
        var attributes = source.Tensors["item.attributes"].Values;
        var heads = new float[BatchSize * dims.ItemHeadSize];
        var queryIndex = new ushort[BatchSize];
        for (var first = 0; first < keys.Length; first += BatchSize)
        {
            var rows = Math.Min(BatchSize, keys.Length - first);
            for (var r = 0; r < rows; r++)
            {
                var row = items.Find(keys[first + r]);
                queryIndex[r] = items.Items.QueryIndex[row];
                items.Items.CopyRow(row, heads.AsSpan(r * dims.ItemHeadSize, dims.ItemHeadSize));
            }

            writer.WriteRows(first, heads.AsSpan(0, rows * dims.ItemHeadSize), queryIndex.AsSpan(0, rows),
                attributes.AsSpan((first + 1) * dims.ItemAttributeDim, rows * dims.ItemAttributeDim));
        }
    }
}
