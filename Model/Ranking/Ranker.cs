using System.Diagnostics;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;
using FitCluster.Model.Scoring;
using FitCluster.Model.Towers;

namespace FitCluster.Model.Ranking;

/// <summary>
/// Ranks a request in-process against one model version by the same <see cref="RankingPlan"/> the cluster runs, over
/// shards held in this process: check the request (<see cref="RankLimits"/>), route behaviours and candidates to their
/// shards by id hash, resolve behaviours there, run the user tower once, let each shard score its candidates and keep its
/// top-k, and merge.
/// </summary>
/// <remarks>Thread-safe: concurrent <see cref="Rank"/> calls share only immutable state.</remarks>
public sealed class Ranker : IDisposable
{
    private readonly ItemShard[] _shards;
    private readonly bool _ownsRuntime;

    /// <summary>
    /// Creates a ranker over a loaded artifact that holds the whole catalog in this process, split into
    /// <paramref name="shardCount"/> shards read from the item table (each reading only its buckets).
    /// </summary>
    /// <exception cref="ArtifactException">The artifact's tensors, ONNX graph or item rows are inconsistent.</exception>
    public Ranker(ModelArtifact artifact, InferenceOptions? options = null, int shardCount = 1)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        Runtime = new ModelRuntime(artifact, options);
        _ownsRuntime = true;
        Plan = new RankingPlan(artifact.ItemFile.BucketCount, shardCount);
        _shards = new ItemShard[shardCount];
        try
        {
            for (var s = 0; s < shardCount; s++)
            {
                _shards[s] = artifact.ItemFile.ReadShard(s, shardCount);
            }
        }
        catch
        {
            Runtime.Dispose();
            throw;
        }
    }

    /// <summary>Creates a ranker over shards already read; <paramref name="runtime"/> stays the caller's to dispose.</summary>
    /// <param name="runtime">The model version's user tower and scorer.</param>
    /// <param name="shards">One per shard of <paramref name="plan"/>, in shard order.</param>
    /// <param name="plan">How ids are routed to <paramref name="shards"/>.</param>
    public Ranker(ModelRuntime runtime, IReadOnlyList<ItemShard> shards, RankingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(plan);
        if (shards.Count != plan.ShardCount)
        {
            throw new ArgumentException($"{shards.Count} shards for a plan of {plan.ShardCount}.", nameof(shards));
        }

        Runtime = runtime;
        Plan = plan;
        _shards = [.. shards];
    }

    /// <summary>The model version served.</summary>
    public ModelArtifact Artifact => Runtime.Artifact;

    /// <summary>User tower and scorer.</summary>
    public ModelRuntime Runtime { get; }

    /// <summary>The user tower in use.</summary>
    public IUserTower UserTower => Runtime.UserTower;

    /// <summary>The late interaction in use.</summary>
    public ICandidateScorer Scorer => Runtime.Scorer;

    /// <summary>How ids are routed to <see cref="Shards"/>.</summary>
    public RankingPlan Plan { get; }

    /// <summary>The shards, in shard order.</summary>
    public IReadOnlyList<ItemShard> Shards => _shards;

    /// <summary>The request limits enforced by <see cref="Rank"/>. Default <see cref="RankLimits.Default"/>.</summary>
    public RankLimits Limits { get; init; } = RankLimits.Default;

    /// <summary>Loads the artifact in <paramref name="directory"/> and creates a ranker over it (one shard: the whole catalog).</summary>
    /// <exception cref="ArtifactException">The artifact is missing, corrupt or inconsistent.</exception>
    public static Ranker Load(string directory, InferenceOptions? options = null)
    {
        options ??= new InferenceOptions();
        return new Ranker(ModelArtifact.Load(directory, options.VerifyChecksums), options);
    }

    /// <summary>Resolves raw user features and behaviour ids (by the plan: each on its shard) to what the user tower takes.</summary>
    /// <exception cref="ArgumentException">A user feature is missing or not one the model has.</exception>
    public ResolvedUser ResolveUser(IReadOnlyDictionary<string, string> features, IReadOnlyList<string> behaviours)
    {
        ArgumentNullException.ThrowIfNull(behaviours);
        var (fields, unknownFeatures) = Runtime.ResolveFeatures(features);
        var parts = Plan.Partition(behaviours);
        var length = Artifact.Manifest.Dims.SequenceLength;
        if (_shards.All(s => s.HasAttributes))
        {
            // The shards hold their items' attribute rows: they come with the item indices, the tensor stays on disk.
            var rows = new (int[] Positions, int[] ItemIndices, float[] Attributes)[parts.Length];
            for (var s = 0; s < parts.Length; s++)
            {
                var (indices, attributes) = RankingPlan.ResolveShardRows(_shards[s], parts[s].Ids);
                rows[s] = (parts[s].Positions, indices, attributes);
            }

            var (keys, keyRows, unknownKeys) = RankingPlan.GatherBehaviourRows(behaviours, rows, length, Artifact.ItemFile.AttributeDim);
            return new ResolvedUser(fields, keys, unknownKeys, unknownFeatures, keyRows);
        }

        var answers = new (int[] Positions, int[] ItemIndices)[parts.Length];
        for (var s = 0; s < parts.Length; s++)
        {
            answers[s] = (parts[s].Positions, RankingPlan.ResolveShard(_shards[s], parts[s].Ids));
        }

        var (sequence, unknownBehaviours) = RankingPlan.GatherBehaviours(behaviours, answers, length);
        return new ResolvedUser(fields, sequence, unknownBehaviours, unknownFeatures);
    }

    /// <summary>All branches' user heads, <c>[N, H_u × p]</c>; with the native FIT tower, zero for branches no item uses.</summary>
    public float[] ComputeUserHeads(ResolvedUser user) => Runtime.ComputeUserHeads(user);

    /// <summary>Each candidate's score in request order (NaN for an unknown candidate): the parity check's view.</summary>
    public float[] ScoreAll(RankQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var heads = ComputeUserHeads(ResolveUser(query.UserFeatures, query.Behaviours));
        var scores = new float[query.Candidates.Count];
        Array.Fill(scores, float.NaN);
        var parts = Plan.Partition(query.Candidates);
        for (var s = 0; s < parts.Length; s++)
        {
            if (parts[s].Ids.Length > 0)
            {
                var part = RankingPlan.ScoreShard(_shards[s], Scorer, heads, parts[s].Ids, parts[s].Positions, parts[s].Ids.Length);
                for (var i = 0; i < part.Positions.Length; i++)
                {
                    scores[part.Positions[i]] = part.Scores[i];
                }
            }
        }

        return scores;
    }

    /// <summary>Ranks the request's candidates and returns the top-k.</summary>
    /// <exception cref="ArgumentException">The request breaks <see cref="Limits"/> (no candidates, too many, repeats, k out of
    /// range, bad behaviours) or misses a user feature.</exception>
    public RankOutcome Rank(RankQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var started = Stopwatch.GetTimestamp();
        var problems = Limits.Check(query.Candidates, query.Behaviours, query.K);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems.Select(p => p.Message)));
        }

        var user = ResolveUser(query.UserFeatures, query.Behaviours);
        var towerStart = Stopwatch.GetTimestamp();
        var heads = ComputeUserHeads(user);
        var scoringStart = Stopwatch.GetTimestamp();
        var candidates = query.Candidates;
        var parts = Plan.Partition(candidates);
        var answers = new List<ShardScores>(parts.Length);
        for (var s = 0; s < parts.Length; s++)
        {
            if (parts[s].Ids.Length > 0)
            {
                answers.Add(RankingPlan.ScoreShard(_shards[s], Scorer, heads, parts[s].Ids, parts[s].Positions, query.K));
            }
        }

        var topStart = Stopwatch.GetTimestamp();
        var merged = RankingPlan.Merge(answers, query.K);
        var items = new RankedItem[merged.Top.Length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new RankedItem(candidates[merged.Top[i].Position], merged.Top[i].Score);
        }

        var unknown = Array.ConvertAll(merged.UnknownPositions, p => candidates[p]);
        var done = Stopwatch.GetTimestamp();
        return new RankOutcome(
            Artifact.ModelVersion, items, merged.Scored, unknown, user.UnknownBehaviours, user.UnknownFeatures,
            new RankTimings(
                Stopwatch.GetElapsedTime(towerStart, scoringStart).TotalMilliseconds,
                Stopwatch.GetElapsedTime(scoringStart, topStart).TotalMilliseconds,
                Stopwatch.GetElapsedTime(topStart, done).TotalMilliseconds,
                Stopwatch.GetElapsedTime(started, done).TotalMilliseconds));
    }

    /// <summary>Releases the user tower when this ranker created it.</summary>
    public void Dispose()
    {
        if (_ownsRuntime)
        {
            Runtime.Dispose();
        }
    }
}
