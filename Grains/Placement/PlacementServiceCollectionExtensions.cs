using Microsoft.Extensions.DependencyInjection;

namespace FitCluster.Grains.Placement;

/// <summary>Registers item-shard placement: the strategy's director and the rebalancer that moves shards after the cluster changes.</summary>
public static class PlacementServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ItemShardPlacementDirector"/> for <see cref="ItemShardPlacement"/> and the <see cref="ItemShardRebalancer"/>.</summary>
    public static IServiceCollection AddItemShardPlacement(this IServiceCollection services)
    {
        services.AddSingleton<SiloMaturity>();
        services.AddSingleton<ShardPlacementPlans>();
        services.AddPlacementDirector<ItemShardPlacement, ItemShardPlacementDirector>();
        services.AddSingleton<ItemShardRebalancer>();
        services.AddSingleton<IActivationWorkingSetObserver>(provider => provider.GetRequiredService<ItemShardRebalancer>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<ItemShardRebalancer>());
        return services;
    }
}
