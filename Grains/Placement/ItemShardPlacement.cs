namespace FitCluster.Grains.Placement;

/// <summary>
/// The placement strategy of item shards: a version's shards spread evenly over the compatible silos, each on the silo
/// <see cref="ShardAssignment"/> names for it (<see cref="ItemShardPlacementDirector"/>).
/// </summary>
/// <remarks>Orleans resolves a strategy by its type name on every silo: keep the name.</remarks>
[GenerateSerializer, Immutable, Alias("fit.ItemShardPlacement")]
public sealed class ItemShardPlacement : PlacementStrategy
{
}
