namespace FitCluster.Grains.Interfaces;

/// <summary>Where a request's time went, in milliseconds, as the coordinator saw it.</summary>
/// <param name="ResolveMs">Model choice, validation, resolving the user's features and behaviours.</param>
/// <param name="UserTowerMs">The user tower call, with the candidates' id lookups and shard partition overlapped.</param>
/// <param name="ScatterGatherMs">All shard calls, from the first sent to the last answered.</param>
/// <param name="MergeMs">Merging the partial top-k lists.</param>
/// <param name="TotalMs">The whole coordinator call.</param>
/// <param name="Shards">Shards called.</param>
/// <param name="ShardMaxMs">The slowest shard's own time inside its call (lookups, scoring, top-k); scatter-gather minus
/// this is the messaging and scheduling around it. 0 from a coordinator that predates it.</param>
[GenerateSerializer, Immutable, Alias("fit.StageTimings")]
public readonly record struct StageTimings(double ResolveMs, double UserTowerMs, double ScatterGatherMs, double MergeMs, double TotalMs, int Shards, double ShardMaxMs = 0);
