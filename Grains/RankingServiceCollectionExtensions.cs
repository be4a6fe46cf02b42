using FitCluster.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;

namespace FitCluster.Grains;

/// <summary>Registers the ranking service's silo-side services.</summary>
public static class RankingServiceCollectionExtensions
{
    /// <summary>Grain storage provider name used by the catalog.</summary>
    public const string StorageName = "fitcluster";

    /// <summary>Key of the catalog grain.</summary>
    public const string CatalogKey = "default";

    /// <summary>
    /// Adds <see cref="RankingOptions"/> (section <c>Ranking</c>, validated at start), the model store, the active-version cache
    /// and item-shard placement (<see cref="PlacementServiceCollectionExtensions.AddItemShardPlacement"/>).
    /// </summary>
    public static IServiceCollection AddRanking(this IServiceCollection services)
    {
        services.AddOptions<RankingOptions>().BindConfiguration(RankingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RankingOptions>, RankingOptionsValidator>();
        services.AddSingleton<ModelStore>();
        services.AddSingleton<ActiveVersionCache>();
        services.AddSingleton<RankingMetrics>();
        services.AddDeviceInference();
        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<ModelUnloadService>();
        services.AddItemShardPlacement();
        return services;
    }
}
