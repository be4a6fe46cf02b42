using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Ranking;

namespace FitCluster.Grains;

/// <summary>
/// A user's behaviours (raw item ids) as item indices for the user tower, resolved by the item shards that own them (no
/// silo holds the whole id map): one call per shard with any, gathered in request order and cut to the model's sequence
/// length (<see cref="RankingPlan.GatherBehaviours"/>). Used by the coordinator and by user grains alike.
/// </summary>
public static class ShardBehaviours
{
    /// <summary>The behaviours' item indices (the tower's sequence) and the ids no shard knows, in request order.</summary>
    public static async ValueTask<(int[] Sequence, IReadOnlyList<string> Unknown)> ResolveAsync(
        IGrainFactory grains, LoadedModel model, ImmutableArray<string> behaviours, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(model);
        if (behaviours.IsDefaultOrEmpty)
        {
            return ([], []);
        }

        var parts = model.Plan.Partition(behaviours);
        var calls = new List<Task<int[]>>(parts.Length);
        var sent = new List<int[]>(parts.Length);
        for (var s = 0; s < parts.Length; s++)
        {
            if (parts[s].Ids.Length > 0)
            {
                calls.Add(grains.GetGrain<IItemShardGrain>(s, model.ModelVersion, null).ResolveAsync(parts[s].Ids, cancellationToken).AsTask());
                sent.Add(parts[s].Positions);
            }
        }

        var answers = await Task.WhenAll(calls);
        var gathered = new (int[] Positions, int[] ItemIndices)[answers.Length];
        for (var i = 0; i < answers.Length; i++)
        {
            gathered[i] = (sent[i], answers[i]);
        }

        return RankingPlan.GatherBehaviours(behaviours, gathered, model.Artifact.Manifest.Dims.SequenceLength);
    }
}
