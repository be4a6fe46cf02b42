using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace FitCluster.Grains.Placement;

/// <summary>
/// The silo of an item shard among a set of silos, by <see cref="ShardAssignment"/> over <see cref="RankingOptions.ShardCount"/>
/// shards; shared by the placement director and the rebalancer so that both give the same answer.
/// </summary>
/// <remarks>
/// Thread-safe. The assignment of a version over a silo set is computed once and reused until the set changes (a version's
/// shards are placed together, by warm-up); a few versions' plans are kept.
/// </remarks>
public sealed class ShardPlacementPlans(IOptions<RankingOptions> options)
{
    private const int MaxPlans = 16;
    private readonly ConcurrentDictionary<string, Plan> _plans = new(StringComparer.Ordinal);

    /// <summary>
    /// The silo of <paramref name="shard"/> (an item shard's grain id: shard index, model version as key extension) among
    /// <paramref name="silos"/> (any order, at least one); null when the id is not a shard of this cluster's layout.
    /// </summary>
    public SiloAddress? SiloOf(GrainId shard, IReadOnlyCollection<SiloAddress> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        var shardCount = options.Value.ShardCount;
        if (!shard.TryGetIntegerKey(out var index, out var modelVersion) || index < 0 || index >= shardCount || silos.Count == 0)
        {
            return null;
        }

        var sorted = silos.ToArray();
        var keys = new string[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            keys[i] = sorted[i].ToParsableString();
        }

        Array.Sort(keys, sorted, StringComparer.Ordinal);
        modelVersion ??= string.Empty;
        if (!_plans.TryGetValue(modelVersion, out var plan) || plan.ShardCount != shardCount || !plan.Keys.AsSpan().SequenceEqual(keys))
        {
            if (_plans.Count >= MaxPlans)
            {
                _plans.Clear(); // versions come and go over a cluster's life; the live ones are planned again on next use
            }

            plan = new Plan(keys, sorted, shardCount, ShardAssignment.Assign(keys, modelVersion, shardCount));
            _plans[modelVersion] = plan;
        }

        return plan.Silos[plan.SiloOfShard[index]];
    }

    private sealed record Plan(string[] Keys, SiloAddress[] Silos, int ShardCount, int[] SiloOfShard);
}
