using System.Collections.Immutable;
using System.Diagnostics;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Artifacts;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace FitCluster.Grains;

/// <summary>
/// The scatter-gather coordinator. Per request: choose the model version, validate and resolve ids, run the user tower
/// grain once (all branches), send each shard with candidates its rows and the heads of just the branches they use,
/// and merge the shards' top-k. The result equals the in-process <c>Ranker</c>'s: same scores, and ties broken toward
/// the earlier candidate.
/// </summary>
[StatelessWorker]
public sealed partial class RankingGrain(
    ModelStore store, ActiveVersionCache active, RankingMetrics metrics, ILogger<RankingGrain> logger) : Grain, IRankingGrain
{
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
                return Refuse("model_unavailable", $"Model version '{version}' cannot be served: {e.Message}");
            }

            activity?.SetTag("model_version", version);
            return await RankAsync(request, model, started, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Refuse("timeout", $"The request did not finish within {options.RequestTimeout.TotalMilliseconds:F0} ms.");
        }
    }

    private async ValueTask<RankResponse> RankAsync(RankRequest request, LoadedModel model, long started, CancellationToken cancellationToken)
    {
        var ranker = model.Ranker;
        Model.Ranking.ResolvedUser user;
        try
        {
            user = ranker.ResolveUser(request.UserFeatures, request.Behaviours.IsDefault ? [] : request.Behaviours);
        }
        catch (ArgumentException e)
        {
            return Refuse("invalid_request", e.Message, model.ModelVersion);
        }

        // Start the user tower first (another activation, so another core): the partition below overlaps with it.
        var towerStart = Stopwatch.GetTimestamp();
        var towerCall = GrainFactory.GetGrain<IUserTowerGrain>(model.ModelVersion)
            .ComputeAsync(new UserTowerInput([.. user.Fields], [.. user.Behaviours]), cancellationToken).AsTask();

        // Partition the known candidates by shard, in request order (so shard-local ties keep request order).
        var candidates = request.Candidates;
        var items = model.Artifact.Items;
        var shardCount = model.Shards.ShardCount;
        var rows = new List<int>[shardCount];
        var positions = new List<int>[shardCount];
        var unknown = ImmutableArray.CreateBuilder<string>();
        var known = 0;
        for (var c = 0; c < candidates.Length; c++)
        {
            var row = model.Artifact.ItemRow(candidates[c]);
            if (row < 0)
            {
                unknown.Add(candidates[c]);
                continue;
            }

            var shard = model.Shards.ShardOf(row);
            (rows[shard] ??= []).Add(model.Shards.LocalRowOf(row));
            (positions[shard] ??= []).Add(c);
            known++;
        }

        var heads = await towerCall;
        if (known == 0)
        {
            heads = null; // nothing to score
        }

        var towerDone = Stopwatch.GetTimestamp();

        var calls = new List<Task<ShardResult>>(shardCount);
        for (var s = 0; s < shardCount && heads is not null; s++)
        {
            if (rows[s] is not { Count: > 0 } shardRows)
            {
                continue;
            }

            var global = model.Shards.RowsOf(s);
            var used = new SortedSet<ushort>();
            foreach (var local in shardRows)
            {
                used.Add(items.QueryIndex[global[local]]);
            }

            var branches = used.ToArray();
            var subset = new float[branches.Length * heads.HeadSize];
            for (var b = 0; b < branches.Length; b++)
            {
                heads.Values.AsSpan(branches[b] * heads.HeadSize, heads.HeadSize).CopyTo(subset.AsSpan(b * heads.HeadSize));
            }

            var shardRequest = new ShardRequest([.. shardRows], [.. positions[s]], branches, subset, request.K);
            calls.Add(GrainFactory.GetGrain<IItemShardGrain>(s, model.ModelVersion, null).ScoreAsync(shardRequest, cancellationToken).AsTask());
        }

        var results = await Task.WhenAll(calls);
        var gathered = Stopwatch.GetTimestamp();
        var top = Merge(results, request.K);
        var ranked = ImmutableArray.CreateBuilder<ScoredItem>(top.Count);
        foreach (var (position, score) in top)
        {
            ranked.Add(new ScoredItem(candidates[position], score));
        }

        var done = Stopwatch.GetTimestamp();
        var coverage = candidates.Length == 0 ? 1 : (double)known / candidates.Length;
        var timings = new StageTimings(
            Stopwatch.GetElapsedTime(started, towerStart).TotalMilliseconds,
            Stopwatch.GetElapsedTime(towerStart, towerDone).TotalMilliseconds,
            Stopwatch.GetElapsedTime(towerDone, gathered).TotalMilliseconds,
            Stopwatch.GetElapsedTime(gathered, done).TotalMilliseconds,
            Stopwatch.GetElapsedTime(started, done).TotalMilliseconds,
            calls.Count);
        metrics.Served(model.ModelVersion, timings.TotalMs, coverage);
        return new RankResponse(model.ModelVersion, ranked.MoveToImmutable(), coverage, unknown.ToImmutable(),
            [.. user.UnknownBehaviours], [.. user.UnknownFeatures], timings);
    }

    // k-way merge of the shards' best-first lists: higher score first, equal scores by earlier request position.
    private static List<(int Position, float Score)> Merge(ShardResult[] results, int k)
    {
        var all = new List<(int Position, float Score)>();
        foreach (var result in results)
        {
            for (var i = 0; i < result.Positions.Length; i++)
            {
                all.Add((result.Positions[i], result.Scores[i]));
            }
        }

        all.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Position.CompareTo(b.Position));
        return all.Count > k ? all.GetRange(0, k) : all;
    }

    private static string? Validate(RankRequest? request, RankingOptions options)
    {
        if (request is null)
        {
            return "The request is empty.";
        }

        if (request.Candidates.IsDefaultOrEmpty)
        {
            return "The candidate list is empty.";
        }

        if (request.Candidates.Length > options.MaxCandidates)
        {
            return $"{request.Candidates.Length:N0} candidates exceed the limit of {options.MaxCandidates:N0}.";
        }

        if (request.K < 1 || request.K > options.MaxK)
        {
            return $"k must be in 1..{options.MaxK}, got {request.K}.";
        }

        if (!request.Behaviours.IsDefault && request.Behaviours.Length > options.MaxBehaviours)
        {
            return $"{request.Behaviours.Length:N0} behaviours exceed the limit of {options.MaxBehaviours:N0}.";
        }

        if (request.UserFeatures is null)
        {
            return "User features are required.";
        }

        var seen = new HashSet<string>(request.Candidates.Length, StringComparer.Ordinal);
        foreach (var candidate in request.Candidates)
        {
            if (string.IsNullOrEmpty(candidate))
            {
                return "A candidate id is empty.";
            }

            if (!seen.Add(candidate))
            {
                return $"Candidate '{candidate}' appears more than once.";
            }
        }

        if (!request.Behaviours.IsDefault && request.Behaviours.Any(string.IsNullOrEmpty))
        {
            return "A behaviour id is empty.";
        }

        return null;
    }

    private RankResponse Refuse(string code, string message, string modelVersion = "")
    {
        metrics.Failed(code);
        LogRefused(logger, code, message);
        return new RankResponse(modelVersion, [], 0, [], [], [], default, new RankError(code, message));
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "Refused a ranking request ({Code}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string code, string reason);
}
