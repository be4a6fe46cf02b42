using System.Diagnostics;
using FitCluster.Grains.Interfaces;
using FitCluster.Grains.Placement;
using FitCluster.Model.Catalog;
using FitCluster.Model.Ranking;
using FitCluster.Model.Scoring;

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
[ItemShardPlacement]
public sealed class ItemShardGrain(ModelStore store, DeviceInference device) : Grain, IItemShardGrain
{
    private LoadedModel _model = null!;
    private ItemShard _items = null!;
    private ICandidateScorer _scorer = null!;
    private IDisposable? _deviceScorer;
    private int _shard;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
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

        return Task.CompletedTask;
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
        var part = RankingPlan.ScoreShard(_items, _scorer, request.Heads, request.Candidates, request.Positions, request.K);
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
}
