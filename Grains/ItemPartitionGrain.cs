using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Catalog;
using FitCluster.Model.Ranking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Storage;

namespace FitCluster.Grains;

/// <summary>
/// One partition of the items written after export: their raw features in memory, an append-only log in the configured
/// grain storage (<see cref="RankingServiceCollectionExtensions.StorageName"/>), and the shard activations to push
/// writes to.
/// </summary>
/// <remarks>
/// <para><b>Storage.</b> Grain storage writes a record whole, so one growing state record would rewrite the partition on
/// every write. The log is instead one record per write (a segment: the write's changes, a few KB) plus a base record
/// (every item as of a segment), rewritten only when the segments since it hold at least as many changes as the base
/// holds items (at least 16 segments; at most 4,096): each change is written about twice over its life, and a
/// restart reads the base and the segments after it in order, up to the first missing one. A write is acknowledged
/// only after its segment is stored, and a failed store deactivates the partition (the next activation reads what the
/// storage holds). This works on every provider the silo offers (files, Redis, Azure Blob; Azure Table's 1 MB entity
/// limit caps a base at a few thousand items: use blobs for item catalogs).</para>
/// <para><b>Group commit.</b> Writes that arrive while a segment is being stored wait and go together into the next
/// segment, so concurrent batches share one storage write per partition.</para>
/// <para><b>Push.</b> Shard activations subscribe at activation and every <see cref="RankingOptions.ItemCatchUpInterval"/>
/// with the last sequence number they hold; a write is pushed to every subscriber whose shard owns some of its items
/// before it is acknowledged, so an acknowledged item is rankable by every served version. A subscriber that fails a
/// push is dropped and catches up at its next subscription.</para>
/// </remarks>
[Reentrant] // writes are queued and stored by one flush loop (group commit); reads interleave
public sealed partial class ItemPartitionGrain(ModelStore store, ILogger<ItemPartitionGrain> logger) : Grain, IItemPartitionGrain
{
    private const string LogState = "items-log";
    private const string BaseState = "items-base";
    private const int MinSegmentsToCompact = 16;
    private const int MaxSegments = 4_096;

    private readonly Dictionary<string, CatalogItem> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Version, int Shard), ItemSubscriber> _subscribers = [];
    private readonly List<(long Segment, string? ETag)> _segments = [];
    private List<(ImmutableArray<CatalogItem> Changes, TaskCompletionSource<long> Done)> _pending = [];
    private bool _flushing;
    private IGrainStorage _storage = null!;
    private Orleans.Serialization.Serializer _serializer = null!;
    private long _committed;    // the sequence of the last change stored and applied
    private long _baseUpTo;     // the last segment the base record covers
    private string? _baseETag;
    private long _nextSegment = 1;
    private long _changesSinceBase;
    private int _partition;

    /// <summary>The partition of <paramref name="id"/>: FNV-1a of its UTF-8 bytes, mod 4,096, mod <see cref="IItemPartitionGrain.PartitionCount"/>.</summary>
    public static int PartitionOf(string id) =>
        ItemIdHash.BucketOf(ItemIdHash.Fnv1a(id), ItemTableWriter.DefaultBucketCount) % IItemPartitionGrain.PartitionCount;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _partition = (int)this.GetPrimaryKeyLong();
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(RankingServiceCollectionExtensions.StorageName);
        _serializer = ServiceProvider.GetRequiredService<Orleans.Serialization.Serializer>();
        var state = new GrainState<ItemPartitionBase>();
        await _storage.ReadStateAsync(BaseState, BaseId(), state);
        if (state.RecordExists && state.State is { } stored)
        {
            _baseETag = state.ETag;
            _baseUpTo = stored.UpToSegment;
            foreach (var item in Decode(stored.Payload))
            {
                Apply(item);
            }
        }

        _nextSegment = _baseUpTo + 1;
        while (true)
        {
            var segment = new GrainState<ItemLogSegment>();
            await _storage.ReadStateAsync(LogState, SegmentId(_nextSegment), segment);
            if (!segment.RecordExists || segment.State is null)
            {
                break;
            }

            var changes = Decode(segment.State.Payload);
            foreach (var change in changes)
            {
                Apply(change);
            }

            _changesSinceBase += changes.Length;
            _segments.Add((_nextSegment, segment.ETag));
            _nextSegment++;
        }

        LogRecovered(logger, _partition, _items.Count, _segments.Count, _committed);
    }

    /// <inheritdoc />
    public Task<long> WriteAsync(ImmutableArray<CatalogItem> changes, CancellationToken cancellationToken = default)
    {
        if (changes.IsDefaultOrEmpty)
        {
            return Task.FromResult(_committed);
        }

        foreach (var change in changes)
        {
            if (PartitionOf(change.Id) != _partition)
            {
                throw new ArgumentException($"Item '{change.Id}' belongs to partition {PartitionOf(change.Id)}, not {_partition}.");
            }
        }

        // Group commit: writes that arrive while a segment is being stored go together into the next one.
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Add((changes, done));
        if (!_flushing)
        {
            // The flag is set before the loop starts and cleared by it: a flush that completes synchronously (a storage
            // write that did, and no subscriber to push to) leaves it cleared, never stuck.
            _flushing = true;
            _ = FlushAsync();
        }

        return done.Task;
    }

    // Stores the pending writes as one segment, applies and pushes them, then answers each; again while writes wait.
    private async Task FlushAsync()
    {
        try
        {
            while (_pending.Count > 0)
            {
                var group = _pending;
                _pending = [];
                long committed;
                try
                {
                    committed = await StoreAsync([.. group.SelectMany(g => g.Changes)]);
                }
                catch (Exception e)
                {
                    foreach (var (_, done) in group.Concat(_pending))
                    {
                        done.TrySetException(e);
                    }

                    _pending.Clear();
                    return;
                }

                foreach (var (_, done) in group)
                {
                    done.TrySetResult(committed);
                }
            }
        }
        catch (Exception e)
        {
            foreach (var (_, done) in _pending)
            {
                done.TrySetException(e); // not expected: StoreAsync's failures are handled per group above
            }

            _pending.Clear();
        }
        finally
        {
            _flushing = false;
        }
    }

    private async Task<long> StoreAsync(ImmutableArray<CatalogItem> changes)
    {
        var sequence = _committed;
        var stamped = ImmutableArray.CreateBuilder<CatalogItem>(changes.Length);
        foreach (var change in changes)
        {
            stamped.Add(change with { Sequence = ++sequence });
        }

        var written = stamped.MoveToImmutable();
        var segment = new GrainState<ItemLogSegment>(new ItemLogSegment(Encode(written)));
        try
        {
            await _storage.WriteStateAsync(LogState, SegmentId(_nextSegment), segment);
        }
        catch (Exception e)
        {
            // Whether the segment was stored is unknown: the next activation reads what the storage holds.
            LogWriteFailed(logger, e, _partition, _nextSegment);
            DeactivateOnIdle();
            throw new InvalidOperationException($"Item partition {_partition} could not store the write: {e.Message}");
        }

        _segments.Add((_nextSegment, segment.ETag));
        _nextSegment++;
        _changesSinceBase += written.Length;
        foreach (var change in written)
        {
            Apply(change);
        }

        await PushAsync(written, CancellationToken.None);
        if (_segments.Count >= MaxSegments || (_segments.Count >= MinSegmentsToCompact && _changesSinceBase >= _items.Count))
        {
            await CompactAsync();
        }

        return _committed;
    }

    /// <inheritdoc />
    public Task<ItemChanges> SubscribeAsync(ItemSubscriber subscriber, long since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _subscribers[(subscriber.ModelVersion, subscriber.Shard)] = subscriber;
        if (since >= _committed)
        {
            return Task.FromResult(new ItemChanges([], _committed));
        }

        var plan = new RankingPlan(subscriber.BucketCount, subscriber.ShardCount);
        var changed = ImmutableArray.CreateBuilder<CatalogItem>();
        foreach (var item in _items.Values)
        {
            if (item.Sequence > since && plan.ShardOf(item.Id) == subscriber.Shard)
            {
                changed.Add(item);
            }
        }

        return Task.FromResult(new ItemChanges(changed.ToImmutable(), _committed));
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(ItemSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _subscribers.Remove((subscriber.ModelVersion, subscriber.Shard));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<CatalogItem?> GetAsync(string id) => Task.FromResult(_items.GetValueOrDefault(id));

    private void Apply(CatalogItem change)
    {
        _items[change.Id] = change; // a delete stays as a tombstone: the artifacts may hold the id
        _committed = Math.Max(_committed, change.Sequence);
    }

    // Every subscriber whose shard owns some of the changes gets them, all at once; one that fails is dropped (it catches up).
    private async Task PushAsync(ImmutableArray<CatalogItem> changes, CancellationToken cancellationToken)
    {
        var pushes = new List<(ItemSubscriber Subscriber, Task Push)>();
        foreach (var subscriber in _subscribers.Values.ToList())
        {
            var plan = new RankingPlan(subscriber.BucketCount, subscriber.ShardCount);
            var mine = changes.Where(c => plan.ShardOf(c.Id) == subscriber.Shard).ToImmutableArray();
            if (mine.Length > 0)
            {
                var shard = GrainFactory.GetGrain<IItemShardGrain>(subscriber.Shard, subscriber.ModelVersion, null);
                pushes.Add((subscriber, shard.ApplyItemsAsync(_partition, mine, _committed).WaitAsync(store.Options.ItemPushTimeout, cancellationToken)));
            }
        }

        foreach (var (subscriber, push) in pushes)
        {
            try
            {
                await push;
            }
            catch (Exception e)
            {
                _subscribers.Remove((subscriber.ModelVersion, subscriber.Shard));
                LogPushFailed(logger, e, _partition, subscriber.ModelVersion, subscriber.Shard);
            }
        }
    }

    // The base record becomes every item as of the last segment; the segments it covers are then deleted (best effort:
    // one left behind is never read again, since a restart reads from the base's segment on).
    private async Task CompactAsync()
    {
        var upTo = _nextSegment - 1;
        var state = new GrainState<ItemPartitionBase>(new ItemPartitionBase(upTo, Encode([.. _items.Values]))) { ETag = _baseETag };
        try
        {
            await _storage.WriteStateAsync(BaseState, BaseId(), state);
        }
        catch (Exception e)
        {
            LogCompactionFailed(logger, e, _partition);
            return; // the segments still hold everything
        }

        _baseETag = state.ETag;
        _baseUpTo = upTo;
        _changesSinceBase = 0;
        var covered = _segments.ToList();
        _segments.Clear();
        foreach (var (segment, etag) in covered)
        {
            try
            {
                await _storage.ClearStateAsync(LogState, SegmentId(segment), new GrainState<ItemLogSegment> { ETag = etag, RecordExists = true });
            }
            catch (Exception e)
            {
                LogClearFailed(logger, e, _partition, segment);
            }
        }
    }

    // The records hold the changes in Orleans' binary format (version tolerant: the records are [GenerateSerializer]), as
    // bytes: whatever serializer the grain storage uses (JSON by default) then only carries a byte array, which is
    // several times cheaper than reading and writing every item's fields as JSON.
    private byte[] Encode(ImmutableArray<CatalogItem> items) => _serializer.SerializeToArray(items);

    private ImmutableArray<CatalogItem> Decode(byte[] payload) => _serializer.Deserialize<ImmutableArray<CatalogItem>>(payload);

    private GrainId BaseId() => GrainId.Create("fititems", _partition.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private GrainId SegmentId(long segment) => GrainId.Create("fititemlog", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_partition}-{segment}"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Item partition {Partition}: {Items} items written since export ({Segments} log segments after the base), sequence {Sequence}")]
    private static partial void LogRecovered(ILogger logger, int partition, int items, int segments, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Item partition {Partition} could not store log segment {Segment}; the write was refused and the partition deactivates")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int partition, long segment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Item partition {Partition}: a push to shard {Shard} of {ModelVersion} failed; it catches up at its next subscription")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, int partition, string modelVersion, int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Item partition {Partition} could not write its base record; the log segments keep everything")]
    private static partial void LogCompactionFailed(ILogger logger, Exception exception, int partition);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Item partition {Partition} could not delete covered log segment {Segment}")]
    private static partial void LogClearFailed(ILogger logger, Exception exception, int partition, long segment);
}

/// <summary>
/// One stored write of an item partition (<see cref="ItemPartitionGrain"/>): its changes with their sequence numbers, an
/// <c>ImmutableArray&lt;CatalogItem&gt;</c> in Orleans' binary format.
/// </summary>
[GenerateSerializer, Immutable, Alias("fit.ItemLogSegment")]
public sealed record ItemLogSegment(byte[] Payload);

/// <summary>
/// An item partition's base record: every item (and tombstone) as of segment <paramref name="UpToSegment"/>, an
/// <c>ImmutableArray&lt;CatalogItem&gt;</c> in Orleans' binary format.
/// </summary>
[GenerateSerializer, Immutable, Alias("fit.ItemPartitionBase")]
public sealed record ItemPartitionBase(long UpToSegment, byte[] Payload);
