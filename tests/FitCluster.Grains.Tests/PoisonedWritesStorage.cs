using Orleans.Storage;

namespace FitCluster.Grains.Tests;

/// <summary>
/// Grain storage that fails a user's write when the state to write holds <see cref="Poison"/> (as an event's item or a
/// profile value), and otherwise passes every call to <paramref name="inner"/>: a storage outage that a test triggers by
/// what it writes.
/// </summary>
public sealed class PoisonedWritesStorage(IGrainStorage inner) : IGrainStorage
{
    /// <summary>The value that makes a write fail.</summary>
    public const string Poison = "poison-makes-the-write-fail";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        return grainState.State is UserState user && (user.Events.Exists(e => e.Item == Poison) || user.Features.ContainsValue(Poison))
            ? throw new InvalidOperationException($"The storage is down for {grainId} (test).")
            : inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
