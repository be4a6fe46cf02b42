using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FitCluster.Grains;

/// <summary>
/// Unloads, on this silo, the model versions that are neither active nor used for <see cref="RankingOptions.UnloadAfter"/>
/// (<see cref="ModelStore.UnloadIdle"/>), checking every quarter of that period (at most every 30 s), so that memory stays
/// bounded across rollouts; their shard activations deactivate themselves.
/// </summary>
public sealed partial class ModelUnloadService(ModelStore store, ActiveVersionCache active, TimeProvider time, ILogger<ModelUnloadService> logger) : BackgroundService
{
    /// <summary>How often the store is checked for an idle period of <paramref name="unloadAfter"/>.</summary>
    public static TimeSpan CheckInterval(TimeSpan unloadAfter) =>
        TimeSpan.FromTicks(Math.Clamp(unloadAfter.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromSeconds(30).Ticks));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var unloadAfter = store.Options.UnloadAfter;
        if (unloadAfter <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(CheckInterval(unloadAfter), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                store.UnloadIdle(await active.GetAsync(stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCheckFailed(logger, e.Message); // the cluster is not reachable yet (or any more): try again next tick
            }
        }
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Debug, Message = "Could not check for idle model versions: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
