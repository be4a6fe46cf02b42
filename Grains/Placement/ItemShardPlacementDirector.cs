using Orleans.Runtime.Placement;

namespace FitCluster.Grains.Placement;

/// <summary>
/// Places an item shard (key: shard index, model version as key extension) on the silo that <see cref="ShardAssignment"/>
/// gives it among the silos compatible with the call (<see cref="IPlacementContext.GetCompatibleSilos"/>). Orleans asks
/// when a shard activates — on first use, after its silo left, or when the shard migrates (<see cref="ItemShardRebalancer"/>).
/// </summary>
/// <remarks>Thread-safe; the assignments are cached (<see cref="ShardPlacementPlans"/>).</remarks>
public sealed class ItemShardPlacementDirector(ShardPlacementPlans plans, SiloMaturity maturity) : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        var settled = maturity.Eligible(silos, out _); // not onto a silo that is still loading its versions

        // A key outside the layout is not a shard this cluster serves: its activation refuses itself (ItemShardGrain),
        // wherever it is.
        var silo = plans.SiloOf(target.GrainIdentity, settled) ?? (silos.Contains(context.LocalSilo) ? context.LocalSilo : silos[0]);
        return Task.FromResult(silo);
    }
}
