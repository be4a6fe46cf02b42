using System.Collections.Immutable;
using FitCluster.Grains;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Artifacts;

namespace FitCluster.Silo;

/// <summary>
/// Warms the active model version once the silo has joined the cluster: loads it, activates its shards and ranks the
/// golden requests through the coordinator a few times, so that the first real requests do not pay loading, grain
/// activation and JIT compilation (measured: seconds of queueing on a cold silo). Readiness waits for it.
/// </summary>
public sealed partial class ModelWarmupService(IGrainFactory grains, ModelStore store, ILogger<ModelWarmupService> logger) : BackgroundService
{
    private const int Rounds = 20;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when warm-up has finished (or found nothing to warm).</summary>
    public Task Completion => _done.Task;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var catalog = await grains.GetGrain<IModelCatalogGrain>(RankingServiceCollectionExtensions.CatalogKey).GetAsync(stoppingToken);
            if (catalog.ActiveVersion is not { } version)
            {
                LogNothingToWarm(logger);
                return;
            }

            // Warm without activating: another silo or an operator may switch versions meanwhile, and that must stand.
            var model = store.Get(version);
            await ShardWarmup.WarmAsync(grains, version, model.Shards.ShardCount, stoppingToken);
            var golden = GoldenSet.Read(model.Artifact.PathOf(model.Artifact.Manifest.Golden.File));
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var round = 0; round < Rounds && golden.Requests.Count > 0; round++)
            {
                var request = golden.Requests[round % golden.Requests.Count];
                await grains.GetGrain<IRankingGrain>("warmup").RankAsync(
                    new RankRequest(request.UserFeatures.ToImmutableDictionary(), [.. request.Behaviours], [.. request.Candidates], 10, version),
                    stoppingToken);
            }

            var elapsedMs = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogWarmed(logger, version, Rounds, elapsedMs);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWarmupFailed(logger, e.Message); // never stops the silo: it still serves, and requests report any model problem themselves
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Warmed model {ModelVersion} with {Requests} golden requests in {ElapsedMs} ms")]
    private static partial void LogWarmed(ILogger logger, string modelVersion, int requests, long elapsedMs);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "No model version to warm: the artifact store is empty")]
    private static partial void LogNothingToWarm(ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Warm-up failed: {Reason}")]
    private static partial void LogWarmupFailed(ILogger logger, string reason);
}
