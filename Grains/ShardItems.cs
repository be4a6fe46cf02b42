using FitCluster.Grains.Interfaces;
using FitCluster.Model.Catalog;
using FitCluster.Model.Towers;

namespace FitCluster.Grains;

/// <summary>
/// Applies item writes to one shard's <see cref="ItemOverlay"/> for one model version: deletes as they come, upserts
/// embedded in batches by the version's item tower — raw values through this version's vocabularies (an unseen value
/// is index 0, a value past a multi-valued feature's width is dropped, a feature this version lacks is ignored), and
/// an id the artifact holds keeps its learned id embedding (its item index), a new id has none (0).
/// </summary>
public static class ShardItems
{
    /// <summary>Items embedded per item tower call.</summary>
    public const int BatchSize = 1_024;

    /// <summary>Applies <paramref name="changes"/> (older than what the overlay holds for an id: skipped).</summary>
    /// <returns>Changes applied.</returns>
    public static int Apply(LoadedModel model, ItemShard shard, ItemOverlay overlay, IReadOnlyList<CatalogItem> changes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(overlay);
        ArgumentNullException.ThrowIfNull(changes);
        var applied = 0;
        var upserts = new List<CatalogItem>();
        foreach (var change in changes)
        {
            if (!overlay.IsNewer(change.Id, change.Sequence))
            {
                continue;
            }

            if (change.Deleted)
            {
                applied += overlay.Delete(change.Id, change.Sequence) ? 1 : 0;
            }
            else
            {
                upserts.Add(change);
            }
        }

        if (upserts.Count == 0)
        {
            return applied;
        }

        var tower = model.Runtime.ItemTower;
        var features = tower.Vocabularies.Fields.Select(f => new long[Math.Min(BatchSize, upserts.Count) * f.Width]).ToArray();
        var itemIds = new long[Math.Min(BatchSize, upserts.Count)];
        var heads = new float[itemIds.Length * tower.RowSize];
        var queryIndex = new ushort[itemIds.Length];
        for (var first = 0; first < upserts.Count; first += BatchSize)
        {
            var rows = Math.Min(BatchSize, upserts.Count - first);
            Encode(tower, shard, upserts, first, rows, itemIds, features);
            tower.Run(itemIds.AsSpan(0, rows), features, heads, queryIndex);
            for (var r = 0; r < rows; r++)
            {
                var item = upserts[first + r];
                applied += overlay.Upsert(item.Id, item.Sequence, heads.AsSpan(r * tower.RowSize, tower.RowSize), queryIndex[r]) ? 1 : 0;
            }
        }

        return applied;
    }

    // Rows [first, first + rows) of the upserts as the item tower's inputs.
    private static void Encode(ItemTower tower, ItemShard shard, List<CatalogItem> upserts, int first, int rows, long[] itemIds, long[][] features)
    {
        foreach (var buffer in features)
        {
            Array.Clear(buffer);
        }

        for (var r = 0; r < rows; r++)
        {
            var item = upserts[first + r];
            var row = shard.Find(item.Id);
            itemIds[r] = row < 0 ? 0 : shard.ItemIndexOf(row);
            foreach (var feature in item.Features)
            {
                var f = tower.Vocabularies.FieldOf(feature.Name);
                if (f < 0)
                {
                    continue;
                }

                var width = tower.Vocabularies.Fields[f].Width;
                var count = Math.Min(width, feature.Values.Length);
                for (var v = 0; v < count; v++)
                {
                    features[f][(r * width) + v] = tower.Vocabularies.IndexOf(f, feature.Values[v]);
                }
            }
        }
    }
}
