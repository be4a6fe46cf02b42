using Orleans.CodeGeneration;

namespace FitCluster.Grains.Interfaces;

/// <summary>Holds one shard of a model version's item table (query indices and heads) in memory and scores candidates against it.</summary>
/// <remarks>
/// Key: the shard index <c>0..ShardCount-1</c> with the model version as key extension, so that two versions are served
/// side by side during a rollout. Items belong to shards by a stable hash of their id (<c>ShardMap</c>).
/// </remarks>
[Alias("fit.IItemShardGrain")]
[Version(1)]
public interface IItemShardGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>Scores the shard-local rows of <paramref name="request"/> and returns this shard's best k.</summary>
    [Alias("ScoreAsync")]
    ValueTask<ShardResult> ScoreAsync(ShardRequest request, CancellationToken cancellationToken = default);
}
