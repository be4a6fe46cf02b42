using System.Collections.Immutable;
using System.Diagnostics;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace FitCluster.Grains;

/// <summary>
/// The scatter-gather coordinator, running <see cref="RankingPlan"/> over grains: validate (<see cref="RankLimits"/>),
/// choose the model version, resolve the user's features here and behaviours on the shards that own them, run the user
/// tower grain once, send each shard its candidates' raw ids (routed by id hash; no id map on any silo) with the one
/// heads array, and merge the shards' top-k and unknown ids. The result equals the in-process <c>Ranker</c>'s: same
/// plan, same scores, ties broken toward the earlier candidate.
/// </summary>
[StatelessWorker]
public sealed partial class RankingGrain(
    ModelStore store, ActiveVersionCache active, RankingMetrics metrics, DeviceInference device, ILogger<RankingGrain> logger) : Grain, IRankingGrain
{
#if FIT_CONTRACT_V2
    /// <inheritdoc />
    public ValueTask<int> GetContractVersionAsync() => ValueTask.FromResult(2);

#endif
    /// <inheritdoc />
    public async ValueTask<RankResponse> RankAsync(RankRequest request, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = RankingMetrics.Source.StartActivity("rank");
        var options = store.Options;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.RequestTimeout);
        try
        {
            if (Validate(request, options) is { } invalid)
            {
                return Refuse("invalid_request", invalid);
            }

            var version = request.ModelVersion ?? await active.GetAsync(deadline.Token);
            if (version is null)
            {
                return Refuse("no_active_model", "The artifact store holds no model version.");
            }

            LoadedModel model;
            try
            {
                model = store.Get(version);
            }
            catch (KeyNotFoundException e)
            {
                return Refuse("unknown_model_version", e.Message);
            }
            catch (ArtifactException e)
            {
                return Refuse("model_refused", e.Message, version);
            }

            activity?.SetTag("model_version", version);
            return await RankAsync(request, model, started, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Refuse("timeout", $"The request did not finish within {options.RequestTimeout.TotalMilliseconds:F0} ms.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A shard or tower call failed (its silo died, or could not load the version): a clear, retryable refusal, never
            // a fault whose exception type the caller may not be able to read. Anything but the cluster's own failures is a
            // bug, and is logged as one.
            if (e is not (OrleansException or TimeoutException))
            {
                LogUnexpected(logger, e);
            }

            return Refuse("shard_unavailable", $"Part of the cluster could not serve the request ({e.GetType().Name}: {e.Message}); retry shortly.");
        }
    }

    private async ValueTask<RankResponse> RankAsync(RankRequest request, LoadedModel model, long started, CancellationToken cancellationToken)
    {
        int[] fields = [];
        IReadOnlyList<string> unknownFeatures = [];
        if (request.UserId is null)
        {
            try
            {
                (fields, unknownFeatures) = model.Runtime.ResolveFeatures(request.UserFeatures);
            }
            catch (ArgumentException e)
            {
                return Refuse("invalid_request", e.Message, model.ModelVersion);
            }
        }

        // A stored user (by user_id): its user grain supplies the heads (cached until its state or the version changes).
        // Otherwise behaviours resolve on the shards that own them (no silo holds the id map); then the user tower runs once.
        var plan = model.Plan;
        var stored = request.UserId is null ? null : StartStoredUserHeads(request.UserId, model, cancellationToken);
        Task<float[]>? towerCall = null;
        IReadOnlyList<string> unknownBehaviours = [];
        var towerStart = Stopwatch.GetTimestamp();
        if (stored is null)
        {
            var behaviours = request.Behaviours.IsDefault ? [] : request.Behaviours;
            (var sequence, var attributes, unknownBehaviours) = await ShardBehaviours.ResolveAsync(GrainFactory, model, behaviours, cancellationToken);
            towerStart = Stopwatch.GetTimestamp();
            var tower = device.UserTowerOf(model); // on the GPU with CUDA: one range, no split
            towerCall = UserTowerCalls.ComputeAsync(tower, [.. fields], [.. sequence], store.Options.UserTowerSplit, cancellationToken, attributes);
        }

        // Route the candidates by the hash of their raw ids, in request order (so shard-local ties keep request order),
        // while the tower runs.
        var candidates = request.Candidates;
        var parts = plan.Partition(candidates);
        float[] heads;
        if (towerCall is not null)
        {
            heads = await towerCall;
        }
        else
        {
            var storedHeads = await stored!;
            if (storedHeads.Error is { } refused)
            {
                return Refuse(refused.Code, refused.Message, model.ModelVersion);
            }

            heads = storedHeads.Heads;
            unknownBehaviours = storedHeads.UnknownBehaviours;
            unknownFeatures = storedHeads.UnknownFeatures;
        }

        var towerDone = Stopwatch.GetTimestamp();

        var calls = new List<Task<ShardResult>>(parts.Length);
        for (var s = 0; s < parts.Length; s++)
        {
            if (parts[s].Ids.Length > 0)
            {
                // One heads array for every shard: [Immutable], so a shard on this silo reads it in place.
                var shardRequest = new ShardCandidates(parts[s].Ids, parts[s].Positions, heads, request.K);
                calls.Add(GrainFactory.GetGrain<IItemShardGrain>(s, model.ModelVersion, null).ScoreAsync(shardRequest, cancellationToken).AsTask());
            }
        }

        var results = await Task.WhenAll(calls);
        var gathered = Stopwatch.GetTimestamp();
        var answers = new ShardScores[results.Length];
        var slowestShard = 0.0;
        for (var i = 0; i < results.Length; i++)
        {
            var r = results[i];
            answers[i] = new ShardScores(r.Positions, r.Scores, r.UnknownPositions, r.Scored);
            slowestShard = Math.Max(slowestShard, r.ElapsedMs);
        }

        var merged = RankingPlan.Merge(answers, request.K);
        var ranked = ImmutableArray.CreateBuilder<ScoredItem>(merged.Top.Length);
        foreach (var (position, score) in merged.Top)
        {
            ranked.Add(new ScoredItem(candidates[position], score));
        }

        var unknown = ImmutableArray.CreateBuilder<string>(merged.UnknownPositions.Length);
        foreach (var position in merged.UnknownPositions)
        {
            unknown.Add(candidates[position]);
        }

        var done = Stopwatch.GetTimestamp();
        var coverage = candidates.Length == 0 ? 1 : (double)merged.Scored / candidates.Length;
        var timings = new StageTimings(
            Stopwatch.GetElapsedTime(started, towerStart).TotalMilliseconds,
            Stopwatch.GetElapsedTime(towerStart, towerDone).TotalMilliseconds,
            Stopwatch.GetElapsedTime(towerDone, gathered).TotalMilliseconds,
            Stopwatch.GetElapsedTime(gathered, done).TotalMilliseconds,
            Stopwatch.GetElapsedTime(started, done).TotalMilliseconds,
            calls.Count,
            slowestShard);
        metrics.Served(model.ModelVersion, timings.TotalMs, coverage);
        return new RankResponse(model.ModelVersion, ranked.MoveToImmutable(), coverage, unknown.MoveToImmutable(),
            [.. unknownBehaviours], [.. unknownFeatures], timings);
    }

    // The limits every door shares (RankLimits), for requests that reach the cluster by another door than this silo's HTTP API.
    private static string? Validate(RankRequest? request, RankingOptions options)
    {
        if (request is null)
        {
            return "The request is empty.";
        }

        if (ValidateStoredUser(request) is { } storedUser)
        {
            return storedUser;
        }

        if (request.UserFeatures is null && request.UserId is null)
        {
            return "User features are required.";
        }

        // A front door in this silo that checked this very request against the same limits (the [Immutable] request is
        // passed by reference on a local call) spares the second pass over its ids; from anywhere else it is checked here.
        var limits = options.Limits;
        if (request.CheckedAgainst is RankLimits checkedAgainst && checkedAgainst == limits)
        {
            return null;
        }

        var problems = limits.Check(
            request.Candidates.IsDefault ? null : request.Candidates, request.Behaviours.IsDefault ? null : request.Behaviours, request.K);
        return problems.Count == 0 ? null : string.Join(" ", problems.Select(p => p.Message));
    }

    private RankResponse Refuse(string code, string message, string modelVersion = "")
    {
        metrics.Failed(code);
        LogRefused(logger, code, message);
        return new RankResponse(modelVersion, [], 0, [], [], [], default, new RankError(code, message));
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Error, Message = "A shard or user-tower call failed unexpectedly; the request was refused as shard_unavailable")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "Refused a ranking request ({Code}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string code, string reason);
}
