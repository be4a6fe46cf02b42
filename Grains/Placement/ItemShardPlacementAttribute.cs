using Orleans.Placement;

namespace FitCluster.Grains.Placement;

/// <summary>Places a grain keyed by (shard index, model version) with <see cref="ItemShardPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ItemShardPlacementAttribute() : PlacementAttribute(new ItemShardPlacement());
