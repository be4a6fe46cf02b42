using FitCluster.Grains.Interfaces;
using FitCluster.Model.Artifacts;
using Microsoft.Extensions.Logging;

namespace FitCluster.Grains;

/// <summary>
/// The catalog of model versions. Activating a version loads and verifies it on this silo (seal, checksums, golden set)
/// and warms its item shards first, so an operator can roll out a new model without downtime: requests keep using the
/// old version until the new one is proven servable, then move to it within
/// <see cref="RankingOptions.ActiveVersionCacheDuration"/>; requests that name a version keep it. The active version is
/// chosen automatically only once, at the cluster's first start (the configured default, else the newest servable
/// version), and stored: a folder copied in later never becomes active by itself.
/// </summary>
public sealed partial class ModelCatalogGrain(
    [PersistentState("catalog", RankingServiceCollectionExtensions.StorageName)] IPersistentState<CatalogState> state,
    ModelStore store,
    ILogger<ModelCatalogGrain> logger) : Grain, IModelCatalogGrain
{
    /// <inheritdoc />
    public async ValueTask<ModelCatalog> GetAsync(CancellationToken cancellationToken = default)
    {
        var versions = store.ListVersions();
        var active = state.State.ActiveVersion;
        if (active is not null && !store.Exists(active) && !store.ListRefused().Any(r => r.ModelVersion == active))
        {
            // The stored version's folder is gone (a refused one stays active: its requests say why, until an operator acts).
            LogActiveVersionGone(logger, active);
            active = null;
        }

        if (active is null)
        {
            // First start: nothing stored yet. Choose once and store it, so the choice survives restarts and new folders.
            active = store.Options.DefaultModelVersion is { } configured && store.Exists(configured)
                ? configured
                : versions.Length > 0 ? versions[0].ModelVersion : null;
            if (active is not null)
            {
                state.State.ActiveVersion = active;
                await state.WriteStateAsync(cancellationToken);
                LogFirstActivation(logger, active);
            }
        }

        return new ModelCatalog(active, versions, store.ListRefused());
    }

    /// <inheritdoc />
    public async ValueTask<ActivationResult> ActivateAsync(string modelVersion, CancellationToken cancellationToken = default)
    {
        try
        {
            store.Get(modelVersion); // load and verify before switching
        }
        catch (KeyNotFoundException e)
        {
            return Refused("unknown_model_version", e.Message);
        }
        catch (ArtifactException e)
        {
            return Refused("model_refused", e.Message);
        }

        try
        {
            // Warm the version's shards on their silos before switching, so the first requests do not pay their loading.
            await ShardWarmup.WarmAsync(GrainFactory, modelVersion, store.Options.ShardCount, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Refused("activation_failed", $"Model version '{modelVersion}' could not be warmed on every silo ({e.GetType().Name}: {e.Message}); nothing changed.");
        }

        var previous = state.State.ActiveVersion;
        state.State.ActiveVersion = modelVersion;
        await state.WriteStateAsync(cancellationToken);
        LogActivated(logger, modelVersion, previous ?? "(none)");
        return new ActivationResult(await GetAsync(cancellationToken), null);
    }

    private ActivationResult Refused(string code, string message)
    {
        LogActivationRefused(logger, code, message);
        return new ActivationResult(null, new RankError(code, message));
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Activated model {ModelVersion} (was {PreviousVersion})")]
    private static partial void LogActivated(ILogger logger, string modelVersion, string previousVersion);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "No active model version was stored: activated {ModelVersion} (first start)")]
    private static partial void LogFirstActivation(ILogger logger, string modelVersion);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "The stored active model version {ModelVersion} is no longer in the artifact store: choosing again as at first start")]
    private static partial void LogActiveVersionGone(ILogger logger, string modelVersion);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Activation refused ({Code}): {Reason}")]
    private static partial void LogActivationRefused(ILogger logger, string code, string reason);
}
