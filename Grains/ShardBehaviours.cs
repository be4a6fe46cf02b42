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
    /// <summary>
    /// The behaviours' item indices (the tower's sequence), their attribute rows when the shards hold them (empty
    /// otherwise) and the ids no shard knows, in request order.
    /// </summary>
    public static async ValueTask<(int[] Sequence, ImmutableArray<float> Attributes, IReadOnlyList<string> Unknown)> ResolveAsync(
        IGrainFactory grains, LoadedModel model, ImmutableArray<string> behaviours, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(model);
        if (behaviours.IsDefaultOrEmpty)
        {
            return ([], [], []);
        }

        var parts = model.Plan.Partition(behaviours);
        var calls = new List<Task<BehaviourRows>>(parts.Length);
        var sent = new List<int[]>(parts.Length);
        for (var s = 0; s < parts.Length; s++)
        {
            if (parts[s].Ids.Length > 0)
            {
                calls.Add(grains.GetGrain<IItemShardGrain>(s, model.ModelVersion, null).ResolveRowsAsync(parts[s].Ids, cancellationToken).AsTask());
                sent.Add(parts[s].Positions);
            }
        }

        var answers = await Task.WhenAll(calls);
        var length = model.Artifact.Manifest.Dims.SequenceLength;
        var dim = answers.Length > 0 ? answers[0].Dim : 0;
        if (dim > 0 && answers.All(a => a.Dim == dim))
        {
            var rows = new (int[] Positions, int[] ItemIndices, float[] Attributes)[answers.Length];
            for (var i = 0; i < answers.Length; i++)
            {
                rows[i] = (sent[i], answers[i].ItemIndices, answers[i].Attributes);
            }

            var (keys, keyRows, unknownKeys) = RankingPlan.GatherBehaviourRows(behaviours, rows, length, dim);
            return (keys, [.. keyRows], unknownKeys);
        }

        // Some shard holds no rows (a version loaded without them somewhere): the tower looks them all up.
        var gathered = new (int[] Positions, int[] ItemIndices)[answers.Length];
        for (var i = 0; i < answers.Length; i++)
        {
            gathered[i] = (sent[i], answers[i].ItemIndices);
        }

        var (sequence, unknown) = RankingPlan.GatherBehaviours(behaviours, gathered, length);
        return (sequence, [], unknown);
    }
}
