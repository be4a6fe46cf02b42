using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;

namespace FitCluster.Grains.Placement;

/// <summary>
/// Places an item shard (key: shard index, model version as key extension) on the silo that <see cref="ShardAssignment"/>
/// gives it among the silos compatible with the call (<see cref="IPlacementContext.GetCompatibleSilos"/>). Orleans asks
/// when a shard activates — on first use, after its silo left, or when the shard migrates (<see cref="ItemShardRebalancer"/>).
/// </summary>
/// <remarks>
/// Thread-safe. The assignment of a version over a silo set is computed once and reused until the set changes (a
/// version's shards are placed together, by warm-up); a few versions' plans are kept.
/// </remarks>
public sealed class ItemShardPlacementDirector(IOptions<RankingOptions> options) : IPlacementDirector
{
    private const int MaxPlans = 16;
    private readonly ConcurrentDictionary<string, Plan> _plans = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        var shardCount = options.Value.ShardCount;
        if (!target.GrainIdentity.TryGetIntegerKey(out var shard, out var modelVersion) || shard < 0 || shard >= shardCount)
        {
            // Not a shard of this cluster's layout: its activation refuses itself (ItemShardGrain), wherever it is.
            return Task.FromResult(silos.Contains(context.LocalSilo) ? context.LocalSilo : silos[0]);
        }

        return Task.FromResult(SiloOf(modelVersion ?? string.Empty, (int)shard, shardCount, silos));
    }

    private SiloAddress SiloOf(string modelVersion, int shard, int shardCount, SiloAddress[] silos)
    {
        var keys = new string[silos.Length];
        for (var i = 0; i < silos.Length; i++)
        {
            keys[i] = silos[i].ToParsableString();
        }

        var sorted = silos.ToArray();
        Array.Sort(keys, sorted, StringComparer.Ordinal);
        if (_plans.TryGetValue(modelVersion, out var plan) && plan.ShardCount == shardCount && plan.Keys.AsSpan().SequenceEqual(keys))
        {
            return plan.Silos[plan.SiloOfShard[shard]];
        }

        if (_plans.Count >= MaxPlans)
        {
            _plans.Clear(); // versions come and go over a cluster's life; the live ones are planned again on next use
        }

        plan = new Plan(keys, sorted, shardCount, ShardAssignment.Assign(keys, modelVersion, shardCount));
        _plans[modelVersion] = plan;
        return plan.Silos[plan.SiloOfShard[shard]];
    }

    private sealed record Plan(string[] Keys, SiloAddress[] Silos, int ShardCount, int[] SiloOfShard);
}
