using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Artifacts;
using Microsoft.Extensions.Logging;

namespace FitCluster.Grains;

/// <summary>
/// A user's live state (<see cref="IUserGrain"/>): the profile features and the latest <see cref="RankingOptions.MaxBehaviours"/>
/// events, persisted in the ranking service's grain storage (<see cref="RankingServiceCollectionExtensions.StorageName"/>:
/// files with the embedded default, Redis or Azure Storage), and the user heads of at most <see cref="CachedVersions"/>
/// model versions. A write returns only after the storage acknowledged it, so an acknowledged event survives the silo's
/// death; a write that fails leaves memory as it was before.
/// </summary>
public sealed partial class UserGrain(
    [PersistentState("user", RankingServiceCollectionExtensions.StorageName)] IPersistentState<UserState> state,
    ModelStore store,
    DeviceInference device,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    /// <summary>Model versions whose heads are cached at once (a rollout serves two side by side).</summary>
    public const int CachedVersions = 2;

    // Most recently used first. The heads are [Immutable] on the wire: shared with every request, never written.
    private readonly List<(string ModelVersion, StoredUserHeads Heads)> _cache = new(CachedVersions);

    private int Window => store.Options.MaxBehaviours;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        UserEventLog.Trim(state.State, Window); // the kept window may have shrunk since the state was written
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<UserWriteResult> SetProfileAsync(ImmutableDictionary<string, string?> features, CancellationToken cancellationToken = default)
    {
        var errors = CheckProfile(features);
        if (errors.Length > 0)
        {
            return new UserWriteResult(0, 0, errors, state.State.Events.Count);
        }

        var previous = state.State.Features;
        state.State.Features = features.ToDictionary(f => f.Key, f => f.Value!, StringComparer.Ordinal);
        await WriteAsync(() => state.State.Features = previous);
        return new UserWriteResult(1, 0, [], state.State.Events.Count);
    }

    /// <inheritdoc />
    public async ValueTask<UserWriteResult> AppendEventsAsync(ImmutableArray<UserEvent?> events, CancellationToken cancellationToken = default)
    {
        var verdict = UserEventLog.Judge(state.State, events, Window);
        if (verdict.Accepted.Length > 0)
        {
            List<UserEvent> previousEvents = [.. state.State.Events];
            List<string> previousIds = [.. state.State.ForgottenIds];
            UserEventLog.Append(state.State, verdict.Accepted, Window);
            await WriteAsync(() =>
            {
                state.State.Events = previousEvents;
                state.State.ForgottenIds = previousIds;
            });
        }

        return new UserWriteResult(verdict.Accepted.Length, verdict.AlreadyApplied, verdict.Errors, state.State.Events.Count);
    }

    /// <inheritdoc />
    public async ValueTask<StoredUserHeads> GetHeadsAsync(string modelVersion, CancellationToken cancellationToken = default)
    {
        if (!state.RecordExists)
        {
            return Refused("unknown_user", $"No user '{this.GetPrimaryKeyString()}' is stored: set a profile with PUT /v1/users/{{id}} first.");
        }

        for (var i = 0; i < _cache.Count; i++)
        {
            if (_cache[i].ModelVersion == modelVersion)
            {
                var hit = _cache[i];
                _cache.RemoveAt(i);
                _cache.Insert(0, hit);
                return hit.Heads with { Cached = true };
            }
        }

        LoadedModel model;
        try
        {
            model = store.Get(modelVersion);
        }
        catch (KeyNotFoundException e)
        {
            return Refused("unknown_model_version", e.Message);
        }
        catch (ArtifactException e)
        {
            return Refused("model_refused", e.Message);
        }

        // No other call interleaves while the tower runs (not reentrant): the state cannot change under it.
        var computed = await ComputeAsync(model, cancellationToken);
        if (computed.Error is null)
        {
            if (_cache.Count == CachedVersions)
            {
                _cache.RemoveAt(CachedVersions - 1);
            }

            _cache.Insert(0, (modelVersion, computed));
        }

        return computed;
    }

    /// <inheritdoc />
    public ValueTask<UserSnapshot> GetAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(new UserSnapshot(
        state.RecordExists, state.State.Features.ToImmutableDictionary(StringComparer.Ordinal), [.. state.State.Events], state.State.Revision));

    // The user tower over the stored profile (only the features this version has: a profile may carry another version's
    // too) and behaviours, exactly as a request carrying them inline is resolved.
    private async Task<StoredUserHeads> ComputeAsync(LoadedModel model, CancellationToken cancellationToken)
    {
        var fields = model.Artifact.Manifest.UserFields;
        var features = new Dictionary<string, string>(fields.Count, StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (state.State.Features.TryGetValue(field.Name, out var value))
            {
                features[field.Name] = value;
            }
        }

        var behaviours = new string[state.State.Events.Count];
        for (var i = 0; i < behaviours.Length; i++)
        {
            behaviours[i] = state.State.Events[i].Item;
        }

        int[] userFields;
        IReadOnlyList<string> unknownFeatures;
        try
        {
            (userFields, unknownFeatures) = model.Runtime.ResolveFeatures(features);
        }
        catch (ArgumentException e)
        {
            return Refused("invalid_request", $"User '{this.GetPrimaryKeyString()}' cannot be ranked with {model.ModelVersion}: {e.Message}");
        }

        // Behaviours resolve on the shards that own them, as a request carrying them inline does.
        var (sequence, attributes, unknownBehaviours) = await ShardBehaviours.ResolveAsync(GrainFactory, model, [.. behaviours], cancellationToken);
        var tower = device.UserTowerOf(model);
        var heads = await UserTowerCalls.ComputeAsync(
            tower, [.. userFields], [.. sequence], store.Options.UserTowerSplit, cancellationToken, attributes);
        return new StoredUserHeads(heads, [.. unknownBehaviours], [.. unknownFeatures], Cached: false);
    }

    private ImmutableArray<UserInputError> CheckProfile(ImmutableDictionary<string, string?>? features)
    {
        if (features is null || features.IsEmpty)
        {
            return [new UserInputError("features", "invalid_feature", "At least one profile feature is required.")];
        }

        // A feature is known when some servable version has it, so that a profile can carry the next version's features
        // before that version is activated; each version uses its own.
        var known = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var version in store.ListVersions())
        {
            known.UnionWith(version.UserFeatures);
        }

        var errors = ImmutableArray.CreateBuilder<UserInputError>();
        foreach (var (name, value) in features.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!known.Contains(name))
            {
                errors.Add(new UserInputError($"features.{name}", "unknown_feature",
                    $"No servable model version has the user feature '{name}'; they have: {string.Join(", ", known)}."));
            }
            else if (value is null)
            {
                errors.Add(new UserInputError($"features.{name}", "invalid_feature", "must be a string or a finite number."));
            }
        }

        return errors.ToImmutable();
    }

    // Stores the state; only then is a write acknowledged. A failed write restores memory (so memory never runs ahead of
    // storage) and fails the call; the client retries, which the event ids make safe.
    private async Task WriteAsync(Action restore)
    {
        state.State.Revision++;
        _cache.Clear();
        try
        {
            await state.WriteStateAsync(CancellationToken.None); // never abandoned half-way: memory and storage must agree
        }
        catch (Exception e)
        {
            restore();
            state.State.Revision--;
            LogWriteFailed(logger, e, this.GetPrimaryKeyString());
            throw;
        }
    }

    private static StoredUserHeads Refused(string code, string message) => new([], [], [], false, new RankError(code, message));

    [LoggerMessage(EventId = 2500, Level = LogLevel.Warning, Message = "Storing user {UserId} failed; nothing was applied")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string userId);
}
