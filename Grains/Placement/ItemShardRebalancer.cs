using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Metadata;

namespace FitCluster.Grains.Placement;

/// <summary>
/// Moves this silo's item shards to where <see cref="ItemShardPlacementDirector"/> now places them after the cluster
/// changes, so that a silo that joins takes its share: on every membership or cluster-manifest change (after
/// <see cref="SettleDelay"/>, which also coalesces bursts) each local shard whose planned silo (<see cref="ShardPlacementPlans"/>,
/// over the silos Orleans' placement offers it) is another one migrates there (Orleans grain migration: the director
/// places it, and requests sent to the old activation meanwhile are forwarded). Shards that stay are not touched. A silo
/// that leaves needs nothing from here: its shards activate where the director places them on their next call.
/// </summary>
/// <remarks>
/// Knows the silo's shard activations from Orleans' activation working set (<see cref="IActivationWorkingSetObserver"/>);
/// thread-safe. Runs while the silo is active (<see cref="ServiceLifecycleStage.Active"/>).
/// </remarks>
public sealed partial class ItemShardRebalancer(
    IClusterMembershipService membership,
    IClusterManifestProvider manifests,
    ShardPlacementPlans plans,
    SiloMaturity maturity,
    ILocalSiloDetails localSilo,
    IOptions<RankingOptions> options,
    TimeProvider time,
    ILogger<ItemShardRebalancer> logger) : IActivationWorkingSetObserver, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>How long after a change the shards are re-checked: membership, manifests and placement views converge first.</summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<IGrainContext, byte> _shards = new();
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;
    private string _lastSilos = string.Empty;

    /// <inheritdoc />
    public void OnAdded(IActivationWorkingSetMember member)
    {
        if (member is IGrainContext { GrainInstance: ItemShardGrain } shard)
        {
            _shards.TryAdd(shard, 0);
        }
    }

    /// <inheritdoc />
    public void OnDeactivating(IActivationWorkingSetMember member) => Forget(member);

    /// <inheritdoc />
    public void OnDeactivated(IActivationWorkingSetMember member) => Forget(member);

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(ItemShardRebalancer), ServiceLifecycleStage.Active, Start, Stop);
    }

    private void Forget(IActivationWorkingSetMember member)
    {
        if (member is IGrainContext context)
        {
            _shards.TryRemove(context, out _);
        }
    }

    private Task Start(CancellationToken cancellationToken)
    {
        var stopping = _stopping.Token;
        _running = Task.WhenAll(
            Task.Run(() => WatchAsync(membership.MembershipUpdates, stopping), CancellationToken.None),
            Task.Run(() => WatchAsync(manifests.Updates, stopping), CancellationToken.None),
            Task.Run(() => RebalanceOnChangesAsync(stopping), CancellationToken.None));
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private async Task WatchAsync<T>(IAsyncEnumerable<T> updates, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in updates.WithCancellation(cancellationToken))
            {
                _changes.Writer.TryWrite(true);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RebalanceOnChangesAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _changes.Reader.WaitToReadAsync(cancellationToken))
            {
                await Task.Delay(SettleDelay, time, cancellationToken);
                _changes.Reader.TryRead(out _); // changes during the delay are covered by this pass
                if (Rebalance() is { } recheck)
                {
                    // A silo is still within its join grace: look again when it has settled (no membership change will say so).
                    _ = Task.Delay(recheck, time, cancellationToken).ContinueWith(
                        _ => _changes.Writer.TryWrite(true), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // One pass; returns when to look again (a silo still within its join grace), or null.
    private TimeSpan? Rebalance()
    {
        var snapshot = membership.CurrentSnapshot;
        var manifest = manifests.Current;
        if (_shards.Keys.FirstOrDefault() is not { } any)
        {
            return null; // no shard here to move
        }

        var silos = maturity.Eligible(CompatibleSilos(any.GrainId.Type, snapshot, manifest), out var nextSettles);
        var signature = string.Join(' ', silos.Select(s => s.ToParsableString()).Order(StringComparer.Ordinal));
        if (signature == _lastSilos)
        {
            return nextSettles; // the silos shards may go to have not changed
        }

        _lastSilos = signature;
        var here = localSilo.SiloAddress;
        var (kept, moved) = (0, 0);
        foreach (var shard in _shards.Keys)
        {
            if (shard.Deactivated.IsCompleted)
            {
                _shards.TryRemove(shard, out _);
                continue;
            }

            var target = plans.SiloOf(shard.GrainId, silos);
            if (target is null || target.Equals(here))
            {
                kept++;
                continue;
            }

            // Orleans places the shard again (the director, over the same silos) and moves it there; requests that reach
            // the old activation meanwhile are forwarded to the new one.
            shard.Migrate(requestContext: null);
            moved++;
        }

        var shardCount = options.Value.ShardCount;
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        if (active > shardCount)
        {
            LogMoreSilosThanShards(logger, active, shardCount);
        }

        if (moved > 0)
        {
            LogMoving(logger, active, moved, kept);
        }

        return nextSettles;
    }

    // The silos Orleans' placement offers a migrating shard: those whose manifest has the grain type, among the active ones.
    private static List<SiloAddress> CompatibleSilos(GrainType grainType, ClusterMembershipSnapshot snapshot, ClusterManifest manifest)
    {
        var silos = new List<SiloAddress>();
        foreach (var (silo, grains) in manifest.Silos)
        {
            if (grains.Grains.ContainsKey(grainType) && snapshot.GetSiloStatus(silo) == SiloStatus.Active)
            {
                silos.Add(silo);
            }
        }

        return silos;
    }

    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "The cluster changed ({SiloCount} active silos): {MovedCount} item shards move from this silo, {KeptCount} stay")]
    private static partial void LogMoving(ILogger logger, int siloCount, int movedCount, int keptCount);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "{SiloCount} active silos but {ShardCount} shards per model version: some silos hold no shard; raise Ranking:ShardCount above the silo count")]
    private static partial void LogMoreSilosThanShards(ILogger logger, int siloCount, int shardCount);
}
