using System.Collections.Immutable;
using Orleans.CodeGeneration;

namespace FitCluster.Grains.Interfaces;

/// <summary>
/// The doors' way into the live item catalog: checks each written item against the servable model versions' item
/// features, stores the good ones in their partitions (<see cref="IItemPartitionGrain"/>) and answers once they are
/// stored and rankable by every version being served.
/// </summary>
/// <remarks>Stateless worker (key 0): any silo runs it. A batch is per item: the good items are stored, each refused one is
/// named, nothing of a refused item is stored.</remarks>
[Alias("fit.IItemCatalogGrain")]
[Version(1)]
public interface IItemCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Most items one write may carry.</summary>
    const int MaxBatch = 5_000;

    /// <summary>Longest item id, in UTF-8 bytes (the item table's limit).</summary>
    const int MaxIdBytes = 1_024;

    /// <summary>Upserts <paramref name="items"/> (ids distinct, checked by the door).</summary>
    [Alias("UpsertAsync")]
    ValueTask<ItemWriteResult> UpsertAsync(ImmutableArray<ItemWrite> items, CancellationToken cancellationToken = default);

    /// <summary>Deletes <paramref name="id"/>: unknown to ranking from now on (behaviours still resolve, as history).</summary>
    [Alias("DeleteAsync")]
    ValueTask<ItemWriteResult> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The last write of <paramref name="id"/>, or null when none was made since export.</summary>
    [Alias("GetAsync")]
    ValueTask<CatalogItem?> GetAsync(string id, CancellationToken cancellationToken = default);
}

/// <summary>
/// One of <see cref="PartitionCount"/> partitions of the items written after export (by the hash of the id), kept as an
/// append-only log in the configured grain storage and pushed to the shard activations that subscribed.
/// </summary>
[Alias("fit.IItemPartitionGrain")]
[Version(1)]
public interface IItemPartitionGrain : IGrainWithIntegerKey
{
    /// <summary>Partitions: item id → FNV-1a(id) mod 4,096 mod 16. Fixed, independent of any model's shard count.</summary>
    const int PartitionCount = 16;

    /// <summary>Stores <paramref name="changes"/> (sequence numbers are assigned here), then pushes them to the subscribers.</summary>
    /// <returns>The partition's sequence number after the write.</returns>
    [Alias("WriteAsync")]
    Task<long> WriteAsync(ImmutableArray<CatalogItem> changes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes <paramref name="subscriber"/> to future writes and returns its items changed after
    /// <paramref name="since"/> (0: all). Called at a shard's activation and periodically (catch-up).
    /// </summary>
    [Alias("SubscribeAsync")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<ItemChanges> SubscribeAsync(ItemSubscriber subscriber, long since, CancellationToken cancellationToken = default);

    /// <summary>Stops pushing to <paramref name="subscriber"/> (its activation ended).</summary>
    [Alias("UnsubscribeAsync")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task UnsubscribeAsync(ItemSubscriber subscriber);

    /// <summary>The last write of <paramref name="id"/>, or null.</summary>
    [Alias("GetAsync")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<CatalogItem?> GetAsync(string id);
}
