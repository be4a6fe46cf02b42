using System.Collections.Immutable;
using System.Diagnostics;
using FitCluster.Grains.Interfaces;
using FitCluster.Grains.Placement;
using FitCluster.Model.Catalog;
using FitCluster.Model.Ranking;
using FitCluster.Model.Scoring;
using Microsoft.Extensions.Logging;

namespace FitCluster.Grains;

/// <summary>
/// One shard of a model version's catalog, held in memory from activation: only its own rows (the item table's buckets
/// b with b mod S = s: raw ids, item indices, query indices, heads), read from the file by the activation itself and freed
/// with it. Resolves the raw ids routed to it, reports the unknown ones, scores the rest with the model's late
/// interaction (FIT: LSS with each item's stored query index selecting its user branch, §4.3.2) and returns its top-k —
/// the shard step of <see cref="RankingPlan"/>.
/// </summary>
/// <remarks>
/// With <c>Inference:ExecutionProvider=Cuda</c> in force (<see cref="DeviceInference"/>), a FIT shard's heads are copied to
/// GPU memory at activation and stay there; requests send only user heads and candidate rows (ONNX Runtime I/O binding).
/// <para>A version's shards spread evenly over the silos and move when silos join or leave (<see cref="ItemShardPlacement"/>).</para>
/// </remarks>
/// <para>Items written after export (<see cref="IItemCatalogGrain"/>) live beside the artifact's rows in an
/// <see cref="ItemOverlay"/>: at activation the shard subscribes to every item partition and embeds its items with this
/// version's item tower; partitions push later writes; every <see cref="RankingOptions.ItemCatchUpInterval"/> it
/// re-subscribes with the last write it holds and applies what it missed.</para>
[ItemShardPlacement]
public sealed partial class ItemShardGrain(ModelStore store, DeviceInference device, ILogger<ItemShardGrain> logger) : Grain, IItemShardGrain
{
    private readonly long[] _since = new long[IItemPartitionGrain.PartitionCount];
    private LoadedModel _model = null!;
    private ItemShard _items = null!;
    private ItemOverlay _overlay = null!;
    private ItemSubscriber _subscriber = null!;
    private ICandidateScorer _scorer = null!;
    private IDisposable? _deviceScorer;
    private int _shard;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _shard = (int)this.GetPrimaryKeyLong(out var modelVersion);
        var model = store.Get(modelVersion ?? string.Empty);
        if (_shard < 0 || _shard >= model.Plan.ShardCount)
        {
            throw new InvalidOperationException($"Shard index {_shard} is outside 0..{model.Plan.ShardCount - 1}.");
        }

        _model = model;
        _items = store.LoadShard(model, _shard);
        try
        {
            _scorer = device.ScorerFor(model, _items.Items, out _deviceScorer);
        }
        catch
        {
            store.ReleaseShard(model.ModelVersion, _shard);
            throw;
        }

        // Once this silo unloads the version (idle, not active: ModelUnloadService), this shard frees its rows too.
        var check = ModelUnloadService.CheckInterval(store.Options.UnloadAfter);
        if (store.Options.UnloadAfter > TimeSpan.Zero)
        {
            this.RegisterGrainTimer(DeactivateIfUnloaded, new GrainTimerCreationOptions(check, check) { Interleave = true, KeepAlive = false });
        }

        var dims = model.Artifact.Manifest.Dims;
        _overlay = new ItemOverlay(dims.ItemHeads, dims.HeadDim, dims.MetaSize);
        _subscriber = new ItemSubscriber(model.ModelVersion, _shard, model.Plan.ShardCount, model.Plan.BucketCount);
        await CatchUpAsync(cancellationToken); // the items written since export, before the first request
        var catchUp = store.Options.ItemCatchUpInterval;
        this.RegisterGrainTimer(CatchUpAsync, new GrainTimerCreationOptions(catchUp, catchUp) { Interleave = true, KeepAlive = false });
    }

    /// <inheritdoc />
    public Task ApplyItemsAsync(int partition, ImmutableArray<CatalogItem> items, long sequence)
    {
        if (partition < 0 || partition >= _since.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition, $"Item partitions are 0..{_since.Length - 1}.");
        }

        ShardItems.Apply(_model, _items, _overlay, items);
        _since[partition] = Math.Max(_since[partition], sequence);
        return Task.CompletedTask;
    }

    // Subscribes to every item partition with the last write held from it, and applies what this shard missed. A partition
    // that does not answer is tried again at the next catch-up; the shard serves meanwhile (what it holds is logged stale).
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var calls = new Task<ItemChanges>[_since.Length];
        for (var p = 0; p < calls.Length; p++)
        {
            calls[p] = GrainFactory.GetGrain<IItemPartitionGrain>(p).SubscribeAsync(_subscriber, _since[p], cancellationToken)
                .WaitAsync(store.Options.ItemPushTimeout, cancellationToken);
        }

        for (var p = 0; p < calls.Length; p++)
        {
            try
            {
                var changes = await calls[p];
                ShardItems.Apply(_model, _items, _overlay, changes.Items);
                _since[p] = Math.Max(_since[p], changes.Sequence);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogCatchUpFailed(logger, e, _model.ModelVersion, _shard, p);
            }
        }
    }

    private Task DeactivateIfUnloaded(CancellationToken cancellationToken)
    {
        if (!store.Holds(_model))
        {
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_subscriber is not null)
        {
            for (var p = 0; p < _since.Length; p++)
            {
                _ = GrainFactory.GetGrain<IItemPartitionGrain>(p).UnsubscribeAsync(_subscriber); // best effort: a failed push drops it too
            }
        }

        _deviceScorer?.Dispose(); // the shard's heads leave device memory with the activation
        _deviceScorer = null;
        store.ReleaseShard(_model.ModelVersion, _shard);
        _items = null!;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<ShardResult> ScoreAsync(ShardCandidates request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        store.Touch(_model); // a version whose shards serve is in use on this silo, even when requests are coordinated elsewhere
        if (request.Candidates.Length == 0)
        {
            return ValueTask.FromResult(new ShardResult([], [], 0, 0, []));
        }

        if (request.Candidates.Length != request.Positions.Length || request.Heads.Length != _model.UserHeadsLength || request.K < 1)
        {
            throw new ArgumentException(
                $"Shard request of {request.Candidates.Length} ids, {request.Positions.Length} positions, {request.Heads.Length} head values " +
                $"(expected {_model.UserHeadsLength}) and k = {request.K}.");
        }

        // The [Immutable] heads array is read in place: on the coordinator's silo it is the very array the tower returned.
        var part = RankingPlan.ScoreShard(
            _items, _scorer, request.Heads, request.Candidates, request.Positions, request.K, _overlay, _model.Runtime.Scorer);
        return ValueTask.FromResult(new ShardResult(
            part.Positions, part.Scores, part.Scored, Stopwatch.GetElapsedTime(started).TotalMilliseconds, part.UnknownPositions));
    }

    /// <inheritdoc />
    public ValueTask<int[]> ResolveAsync(string[] ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        store.Touch(_model);
        return ValueTask.FromResult(ids.Length == 0 ? [] : RankingPlan.ResolveShard(_items, ids)); // empty: a warm-up call
    }

    /// <inheritdoc />
    public ValueTask<BehaviourRows> ResolveRowsAsync(string[] ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        store.Touch(_model);
        if (!_items.HasAttributes)
        {
            return ValueTask.FromResult(new BehaviourRows(ids.Length == 0 ? [] : RankingPlan.ResolveShard(_items, ids), [], 0));
        }

        var (indices, attributes) = RankingPlan.ResolveShardRows(_items, ids);
        return ValueTask.FromResult(new BehaviourRows(indices, attributes, _items.AttributeDim));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard} of {ModelVersion} could not catch up with item partition {Partition}; it serves what it holds and tries again")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception, string modelVersion, int shard, int partition);
}
