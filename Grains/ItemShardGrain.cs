using System.Buffers;
using System.Diagnostics;
using FitCluster.Grains.Interfaces;
using FitCluster.Grains.Placement;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Numerics;
using FitCluster.Model.Scoring;

namespace FitCluster.Grains;

/// <summary>
/// One shard of a model version's item table, held in memory from activation: its items' query indices and heads.
/// Scores candidates with the model's late interaction (FIT: LSS with each item's stored query index selecting its
/// user branch, §4.3.2) and returns the shard's top-k.
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
    private ItemTable _items = null!;
    private ICandidateScorer _scorer = null!;
    private IDisposable? _deviceScorer;
    private int _metaSize;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var shard = (int)this.GetPrimaryKeyLong(out var modelVersion);
        var model = store.Get(modelVersion ?? string.Empty);
        if (shard < 0 || shard >= model.Shards.ShardCount)
        {
            throw new InvalidOperationException($"Shard index {shard} is outside 0..{model.Shards.ShardCount - 1}.");
        }

        _model = model;
        _items = model.Artifact.Items.Select(model.Shards.RowsOf(shard));
        _scorer = device.ScorerFor(model, _items, out _deviceScorer);
        _metaSize = _items.MetaSize;

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
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<ShardResult> ScoreAsync(ShardRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        store.Touch(_model); // a version whose shards serve is in use on this silo, even when requests are coordinated elsewhere
        var rows = request.Rows;
        if (rows.Length == 0)
        {
            return ValueTask.FromResult(new ShardResult([], [], 0, 0)); // a warm-up call: activation has loaded the shard
        }

        var whole = request.Branches.Length == 0; // every branch sent, in order: score straight from the request's array
        var headSize = whole ? request.Heads.Length / _metaSize : request.Heads.Length / request.Branches.Length;
        if (rows.Length != request.Positions.Length || headSize == 0
            || request.Heads.Length != (whole ? _metaSize : request.Branches.Length) * headSize)
        {
            throw new ArgumentException("Shard request arrays disagree in length.");
        }

        // Otherwise only the branches this shard's candidates use were sent; place them at their query index (FIT, eq. 8).
        var heads = whole ? null : ArrayPool<float>.Shared.Rent(_metaSize * headSize);
        var scores = ArrayPool<float>.Shared.Rent(rows.Length);
        try
        {
            for (var b = 0; b < request.Branches.Length; b++)
            {
                request.Heads.AsSpan(b * headSize, headSize).CopyTo(heads!.AsSpan(request.Branches[b] * headSize, headSize));
            }

            foreach (var row in rows)
            {
                if ((uint)row >= (uint)_items.Count)
                {
                    throw new ArgumentException($"Row {row} is outside this shard's {_items.Count} items.");
                }
            }

            _scorer.Score((heads ?? request.Heads).AsSpan(0, _metaSize * headSize), _items, rows, scores.AsSpan(0, rows.Length));
            var best = new ScoredIndex[Math.Min(request.K, rows.Length)];
            var count = TopK.Select(scores.AsSpan(0, rows.Length), best);
            var positions = new int[count];
            var topScores = new float[count];
            for (var i = 0; i < count; i++)
            {
                positions[i] = request.Positions[best[i].Index];
                topScores[i] = best[i].Score;
            }

            return ValueTask.FromResult(new ShardResult(positions, topScores, rows.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        }
        finally
        {
            if (heads is not null)
            {
                ArrayPool<float>.Shared.Return(heads);
            }

            ArrayPool<float>.Shared.Return(scores);
        }
    }
}
