using FitCluster.Grains.Interfaces;

namespace FitCluster.Grains;

/// <summary>Activates every item shard of a model version (each reads its own rows of the item table) before traffic needs them.</summary>
public static class ShardWarmup
{
    /// <summary>Sends each shard an empty request and waits for all of them.</summary>
    public static Task WarmAsync(IGrainFactory grains, string modelVersion, int shardCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var calls = new Task<int[]>[shardCount];
        for (var s = 0; s < shardCount; s++)
        {
            calls[s] = grains.GetGrain<IItemShardGrain>(s, modelVersion, null).ResolveAsync([], cancellationToken).AsTask();
        }

        return Task.WhenAll(calls);
    }
}
