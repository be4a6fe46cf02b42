using System.Buffers;
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
        var ranker = model.Ranker;
        Model.Ranking.ResolvedUser user;
        try
        {
            user = request.UserId is null
                ? ranker.ResolveUser(request.UserFeatures, request.Behaviours.IsDefault ? [] : request.Behaviours)
                : s_storedUser; // resolved by the user grain, with its heads
        }
        catch (ArgumentException e)
        {
            return Refuse("invalid_request", e.Message, model.ModelVersion);
        }

        var candidates = request.Candidates;
        var rows = ArrayPool<int>.Shared.Rent(candidates.Length);
        try
        {
            if (ResolveCandidates(model, candidates, rows) is { } duplicate)
            {
                return Refuse("invalid_request", $"Candidate '{duplicate}' appears more than once.", model.ModelVersion);
            }

            return await RankResolvedAsync(request, model, user, rows, started, cancellationToken);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rows);
        }
    }

    private async ValueTask<RankResponse> RankResolvedAsync(
        RankRequest request, LoadedModel model, Model.Ranking.ResolvedUser user, int[] rows, long started, CancellationToken cancellationToken)
    {
        // Start the user tower first, split over cores by branch range (other activations, so other cores): the partition
        // below overlaps with it.
        var towerStart = Stopwatch.GetTimestamp();
        var tower = device.UserTowerOf(model); // as the user tower grain runs it (on the GPU with CUDA: one call, no split)
        var stored = request.UserId is null ? null : StartStoredUserHeads(request.UserId, model, cancellationToken);
        var towerCalls = stored is null ? StartUserTower(model, user, tower, store.Options.UserTowerSplit, cancellationToken) : [];

        // Partition the known candidates by shard, in request order (so shard-local ties keep request order).
        var candidates = request.Candidates;
        var shardCount = model.Shards.ShardCount;
        var shardRows = new List<int>[shardCount];
        var positions = new List<int>[shardCount];
        var unknown = ImmutableArray.CreateBuilder<string>();
        var known = 0;
        for (var c = 0; c < candidates.Length; c++)
        {
            var row = rows[c];
            if (row < 0)
            {
                unknown.Add(candidates[c]);
                continue;
            }

            var shard = model.Shards.ShardOf(row);
            (shardRows[shard] ??= []).Add(model.Shards.LocalRowOf(row));
            (positions[shard] ??= []).Add(c);
            known++;
        }

        float[] heads;
        if (stored is null)
        {
            heads = await GatherUserHeadsAsync(towerCalls, tower);
        }
        else
        {
            var storedHeads = await stored;
            if (storedHeads.Error is { } refused)
            {
                return Refuse(refused.Code, refused.Message, model.ModelVersion);
            }

            heads = storedHeads.Heads;
            user = user with { UnknownBehaviours = storedHeads.UnknownBehaviours, UnknownFeatures = storedHeads.UnknownFeatures };
        }

        var towerDone = Stopwatch.GetTimestamp();

        var calls = new List<Task<ShardResult>>(shardCount);
        for (var s = 0; s < shardCount && known > 0; s++)
        {
            if (shardRows[s] is { Count: > 0 } local)
            {
                var shardRequest = ShardRequestOf(model, s, local, positions[s], heads, tower.HeadSize, request.K);
                calls.Add(GrainFactory.GetGrain<IItemShardGrain>(s, model.ModelVersion, null).ScoreAsync(shardRequest, cancellationToken).AsTask());
            }
        }

        var results = await Task.WhenAll(calls);
        var gathered = Stopwatch.GetTimestamp();
        var top = Model.Ranking.TopKMerge.Merge([.. results.Select(r => (r.Positions, r.Scores))], request.K);
        var ranked = ImmutableArray.CreateBuilder<ScoredItem>(top.Length);
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

    // Each candidate's item row (−1 when unknown) into rows; returns the first repeated id, or null. Known ids are checked
    // for repeats with a bitset over item rows (no string hashing beyond the row lookup itself).
    private static string? ResolveCandidates(LoadedModel model, ImmutableArray<string> candidates, int[] rows)
    {
        var artifact = model.Artifact;
        var seen = ArrayPool<ulong>.Shared.Rent((artifact.Items.Count + 63) / 64);
        HashSet<string>? unknownSeen = null;
        var resolved = 0;
        try
        {
            Array.Clear(seen, 0, (artifact.Items.Count + 63) / 64);
            for (; resolved < candidates.Length; resolved++)
            {
                var candidate = candidates[resolved];
                var row = artifact.ItemRow(candidate);
                rows[resolved] = row;
                if (row < 0)
                {
                    if (!(unknownSeen ??= new HashSet<string>(StringComparer.Ordinal)).Add(candidate))
                    {
                        return candidate;
                    }

                    continue;
                }

                ref var word = ref seen[row >> 6];
                var bit = 1UL << (row & 63);
                if ((word & bit) != 0)
                {
                    return candidate;
                }

                word |= bit;
            }

            return null;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(seen);
        }
    }

    // The user tower's branch ranges as grain calls: one per part when the tower computes ranges for their share of the
    // work (FIT's native tower; cut where the tower says the work splits evenly), else one call for every branch.
    private List<Task<UserHeads>> StartUserTower(
        LoadedModel model, Model.Ranking.ResolvedUser user, Model.Towers.IUserTower tower, int split, CancellationToken cancellationToken)
    {
        var n = tower.BranchCount;
        var parts = tower.ComputesBranchRanges ? Math.Clamp(split == 0 ? Environment.ProcessorCount : split, 1, n) : 1;
        var grain = GrainFactory.GetGrain<IUserTowerGrain>(model.ModelVersion);
        ImmutableArray<int> fields = [.. user.Fields];
        ImmutableArray<int> behaviours = [.. user.Behaviours];
        var bounds = tower.SplitBranches(parts);
        var calls = new List<Task<UserHeads>>(parts);
        for (var p = 0; p < parts; p++)
        {
            var first = bounds[p];
            var count = bounds[p + 1] - first;
            calls.Add(grain.ComputeAsync(new UserTowerInput(fields, behaviours, first, count), cancellationToken).AsTask());
        }

        return calls;
    }

    // All N branches' heads in order: the single call's array, or the parts copied together.
    private static async Task<float[]> GatherUserHeadsAsync(List<Task<UserHeads>> calls, Model.Towers.IUserTower tower)
    {
        var parts = await Task.WhenAll(calls);
        if (parts.Length == 1)
        {
            return parts[0].Values;
        }

        var heads = new float[tower.BranchCount * tower.HeadSize];
        foreach (var part in parts)
        {
            part.Values.CopyTo(heads, part.FirstBranch * tower.HeadSize);
        }

        return heads;
    }

    // A shard's request: its rows, their positions and the user heads they need. When most branches are used the whole
    // heads array goes as it is (an [Immutable] array: no copy on this silo); otherwise just the used branches.
    private static ShardRequest ShardRequestOf(
        LoadedModel model, int shard, List<int> localRows, List<int> positions, float[] heads, int headSize, int k)
    {
        var items = model.Artifact.Items;
        var global = model.Shards.RowsOf(shard);
        var n = heads.Length / headSize;
        Span<bool> used = n <= 1024 ? stackalloc bool[n] : new bool[n];
        var usedCount = 0;
        foreach (var local in localRows)
        {
            ref var flag = ref used[items.QueryIndex[global[local]]];
            if (!flag)
            {
                flag = true;
                usedCount++;
            }
        }

        if (2 * usedCount >= n)
        {
            return new ShardRequest([.. localRows], [.. positions], [], heads, k);
        }

        var branches = new ushort[usedCount];
        var subset = new float[usedCount * headSize];
        var next = 0;
        for (var b = 0; b < n; b++)
        {
            if (used[b])
            {
                heads.AsSpan(b * headSize, headSize).CopyTo(subset.AsSpan(next * headSize));
                branches[next++] = (ushort)b;
            }
        }

        return new ShardRequest([.. localRows], [.. positions], branches, subset, k);
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

        if (ValidateStoredUser(request) is { } storedUser)
        {
            return storedUser;
        }

        if (request.UserFeatures is null && request.UserId is null)
        {
            return "User features are required.";
        }

        foreach (var candidate in request.Candidates)
        {
            if (string.IsNullOrEmpty(candidate))
            {
                return "A candidate id is empty."; // repeats are found while resolving, with the model's item rows
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

    [LoggerMessage(EventId = 2201, Level = LogLevel.Error, Message = "A shard or user-tower call failed unexpectedly; the request was refused as shard_unavailable")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "Refused a ranking request ({Code}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string code, string reason);
}
