using System.Collections.Immutable;
using Orleans.CodeGeneration;

namespace FitCluster.Grains.Interfaces;

/// <summary>
/// Holds one shard of a model version's catalog in memory — only its own rows: raw ids, item indices, query indices and
/// heads — resolves raw ids against them and scores candidates.
/// </summary>
/// <remarks>
/// Key: the shard index <c>0..ShardCount-1</c> with the model version as key extension, so that two versions are served
/// side by side during a rollout. Items belong to shards by a stable hash of their raw id: shard s of S holds the item
/// table's buckets b with b mod S = s (<c>RankingPlan</c>).
/// </remarks>
[Alias("fit.IItemShardGrain")]
[Version(4)]
public interface IItemShardGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>Resolves and scores the candidates of <paramref name="request"/>; returns this shard's best k and its unknown ids.</summary>
    [Alias("ScoreAsync")]
    ValueTask<ShardResult> ScoreAsync(ShardCandidates request, CancellationToken cancellationToken = default);

    /// <summary>The item index of each of <paramref name="ids"/> (behaviours routed to this shard), −1 for one the shard does not hold.</summary>
    [Alias("ResolveAsync")]
    ValueTask<int[]> ResolveAsync(string[] ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// The item index and the attribute row e_c (FIT, eq. 4) of each of <paramref name="ids"/>: what the user tower needs
    /// of a behaviour, from the shard that owns the item, so that no silo holds the whole <c>item.attributes</c> tensor.
    /// <see cref="BehaviourRows.Attributes"/> is empty when this shard holds no attribute rows (the caller's tower then looks
    /// them up). Added in version 4; <see cref="ResolveAsync"/> stays for callers of version 3.
    /// </summary>
    [Alias("ResolveRowsAsync")]
    ValueTask<BehaviourRows> ResolveRowsAsync(string[] ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies item writes of partition <paramref name="partition"/> routed to this shard: embeds upserted items with this
    /// version's item tower and scores them from then on; deleted ones become unknown. A change older than the one held
    /// for the same id is ignored. Added in version 3.
    /// </summary>
    [Alias("ApplyItemsAsync")]
    Task ApplyItemsAsync(int partition, ImmutableArray<CatalogItem> items, long sequence);
}
