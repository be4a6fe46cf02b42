using FitCluster.Grains.Interfaces;
using FitCluster.Model.Artifacts;
using Microsoft.Extensions.Logging;

namespace FitCluster.Grains;

/// <summary>
/// The catalog of model versions. Activating a version loads and validates it on this silo and warms its item shards
/// first, so an operator
/// can roll out a new model without downtime: requests keep using the old version until the new one is proven loadable,
/// then move to it within <see cref="RankingOptions.ActiveVersionCacheDuration"/>; requests that name a version keep it.
/// </summary>
public sealed partial class ModelCatalogGrain(
    [PersistentState("catalog", RankingServiceCollectionExtensions.StorageName)] IPersistentState<CatalogState> state,
    ModelStore store,
    ILogger<ModelCatalogGrain> logger) : Grain, IModelCatalogGrain
{
    /// <inheritdoc />
    public ValueTask<ModelCatalog> GetAsync(CancellationToken cancellationToken = default)
    {
        var versions = store.ListVersions();
        var active = state.State.ActiveVersion;
        if (active is null || !store.Exists(active))
        {
            active = store.Options.DefaultModelVersion is { } configured && store.Exists(configured)
                ? configured
                : versions.Length > 0 ? versions[0].ModelVersion : null;
        }

        return ValueTask.FromResult(new ModelCatalog(active, versions));
    }

    /// <inheritdoc />
    public async ValueTask<ModelCatalog> ActivateAsync(string modelVersion, CancellationToken cancellationToken = default)
    {
        try
        {
            store.Get(modelVersion); // load and validate before switching
        }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException(e.Message, nameof(modelVersion), e);
        }
        catch (ArtifactException e)
        {
            throw new ArgumentException($"Model version '{modelVersion}' cannot be activated: {e.Message}", nameof(modelVersion), e);
        }

        // Warm the version's shards on their silos before switching, so the first requests do not pay their loading.
        await ShardWarmup.WarmAsync(GrainFactory, modelVersion, store.Options.ShardCount, cancellationToken);
        var previous = state.State.ActiveVersion;
        state.State.ActiveVersion = modelVersion;
        await state.WriteStateAsync(cancellationToken);
        LogActivated(logger, modelVersion, previous ?? "(none)");
        return await GetAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Activated model {ModelVersion} (was {PreviousVersion})")]
    private static partial void LogActivated(ILogger logger, string modelVersion, string previousVersion);
}
