using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FitCluster.Grains;

/// <summary>
/// Unloads, on this silo, the model versions that are neither active nor used for <see cref="RankingOptions.UnloadAfter"/>
/// (<see cref="ModelStore.UnloadIdle"/>), checking every quarter of that period (at most every 30 s), so that memory stays
/// bounded across rollouts; their shard activations deactivate themselves. Memory is given back to the system
/// (<see cref="MemoryTrim"/>) after an unload, and once shard activations have left this silo's rows alone for
/// <see cref="ShardQuiet"/> after loading or freeing some (a start, shards moving between silos).
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
        long? trimDue = null;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var afterUnload = trimDue is { } due && time.GetTimestamp() >= due;
                if (afterUnload || store.TakeShardTrim(ShardQuiet))
                {
                    trimDue = null;
                    var (before, after) = MemoryTrim.Run();
                    var heap = GC.GetGCMemoryInfo(GCKind.Any);
                    LogTrimmed(
                        logger, afterUnload ? "unloaded model versions" : "shards loaded, moved or freed", before / (1024 * 1024), after / (1024 * 1024),
                        heap.HeapSizeBytes / (1024 * 1024), heap.TotalCommittedBytes / (1024 * 1024));
                    var generations = Generations(heap);
                    LogHeap(logger, generations);
                }

                if (store.UnloadIdle(await active.GetAsync(stoppingToken)).Count > 0)
                {
                    // Give memory back once the unloaded versions are really free: their ONNX sessions are disposed after
                    // twice the request timeout, their shard activations deactivate within one check interval.
                    var wait = TrimDelay(store.Options.RequestTimeout, CheckInterval(unloadAfter));
                    trimDue = time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCheckFailed(logger, e.Message); // the cluster is not reachable yet (or any more): try again next tick
            }
        }
    }

    // Each GC generation's size and free space after the trim's collection: where resident memory that stays is held.
    private static string Generations(GCMemoryInfo heap) => string.Join(", ", Enumerable.Range(0, heap.GenerationInfo.Length).Select(g =>
        $"{(g switch { 3 => "LOH", 4 => "POH", _ => $"gen{g}" })} {heap.GenerationInfo[g].SizeAfterBytes / (1024 * 1024)} MB ({heap.GenerationInfo[g].FragmentationAfterBytes / (1024 * 1024)} free)"));

    /// <summary>How long shard activations must have left this silo's rows alone before memory is given back after them.</summary>
    public static TimeSpan ShardQuiet { get; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after an unload the memory is trimmed: once the unloaded versions' sessions and shards are gone.</summary>
    public static TimeSpan TrimDelay(TimeSpan requestTimeout, TimeSpan checkInterval) =>
        (requestTimeout * 2) + checkInterval + TimeSpan.FromSeconds(1);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Returned memory to the system after {Cause}: resident {BeforeMb} MB → {AfterMb} MB (managed heap {HeapMb} MB, committed {CommittedMb} MB; the rest is native: ONNX Runtime, malloc arenas, code)")]
    private static partial void LogTrimmed(ILogger logger, string cause, long beforeMb, long afterMb, long heapMb, long committedMb);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Managed heap after the trim: {Generations}")]
    private static partial void LogHeap(ILogger logger, string generations);

    [LoggerMessage(EventId = 2300, Level = LogLevel.Debug, Message = "Could not check for idle model versions: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
