using System.Buffers;
using System.Diagnostics;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Numerics;
using FitCluster.Model.Scoring;
using FitCluster.Model.Towers;

namespace FitCluster.Model.Ranking;

/// <summary>
/// Ranks a request in-process against one loaded model version: resolve raw ids, run the user tower once (every
/// branch some item's query index names), score every known candidate with the late interaction using its stored query index, keep the top-k.
/// </summary>
/// <remarks>Thread-safe: concurrent <see cref="Rank"/> calls share only immutable state.</remarks>
public sealed class Ranker : IDisposable
{
    /// <summary>Default largest candidate list accepted.</summary>
    public const int DefaultMaxCandidates = 10_000;

    /// <summary>Creates a ranker over a loaded artifact.</summary>
    /// <exception cref="ArtifactException">The artifact's tensors or ONNX graph do not match its manifest.</exception>
    public Ranker(ModelArtifact artifact, InferenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        options ??= new InferenceOptions();
        Artifact = artifact;
        var manifest = artifact.Manifest;
        var isFit = manifest.ModelKind == ModelKinds.Fit;
        UserTower = options.UserTower switch
        {
            UserTowerImplementation.Onnx => new OnnxUserTower(
                artifact.PathOf(manifest.UserTower.File), manifest.Dims, manifest.UserFields.Count, options),
            _ => isFit
                ? NativeFitUserTower.FromTensors(artifact.Tensors, manifest.Dims, manifest.UserFields, artifact.Items.QueryIndex)
                : NativeTwoTowerUserTower.FromTensors(artifact.Tensors, manifest.Dims, manifest.UserFields),
        };
        Scorer = manifest.Scorer == ScorerKinds.Lss ? LssScorer.FromTensors(artifact.Tensors, manifest.Dims) : new DotScorer();
    }

    /// <summary>The model version served.</summary>
    public ModelArtifact Artifact { get; }

    /// <summary>The user tower in use.</summary>
    public IUserTower UserTower { get; }

    /// <summary>The late interaction in use.</summary>
    public ICandidateScorer Scorer { get; }

    /// <summary>Largest candidate list accepted. Default <see cref="DefaultMaxCandidates"/>.</summary>
    public int MaxCandidates { get; init; } = DefaultMaxCandidates;

    /// <summary>Loads the artifact in <paramref name="directory"/> and creates a ranker over it.</summary>
    /// <exception cref="ArtifactException">The artifact is missing, corrupt or inconsistent.</exception>
    public static Ranker Load(string directory, InferenceOptions? options = null)
    {
        options ??= new InferenceOptions();
        return new Ranker(ModelArtifact.Load(directory, options.VerifyChecksums), options);
    }

    /// <summary>Resolves raw user features and behaviour keys to vocabulary indices.</summary>
    /// <exception cref="ArgumentException">A user feature is missing or not one the model has.</exception>
    public ResolvedUser ResolveUser(IReadOnlyDictionary<string, string> features, IReadOnlyList<string> behaviours)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(behaviours);
        var fields = Artifact.Manifest.UserFields;
        foreach (var name in features.Keys)
        {
            if (!ContainsField(fields, name))
            {
                throw new ArgumentException($"Unknown user feature '{name}'; the model has: {string.Join(", ", fields.Select(f => f.Name))}.");
            }
        }

        var indices = new int[fields.Count];
        var unknownFeatures = new List<string>();
        for (var f = 0; f < fields.Count; f++)
        {
            if (!features.TryGetValue(fields[f].Name, out var value) || value is null)
            {
                throw new ArgumentException($"Missing user feature '{fields[f].Name}'.");
            }

            indices[f] = Artifact.UserFieldIndex(f, value);
            if (indices[f] == 0)
            {
                unknownFeatures.Add(fields[f].Name);
            }
        }

        var known = new List<int>(Math.Min(behaviours.Count, Artifact.Manifest.Dims.SequenceLength));
        var unknownBehaviours = new List<string>();
        foreach (var key in behaviours)
        {
            var row = key is null ? -1 : Artifact.ItemRow(key);
            if (row < 0)
            {
                unknownBehaviours.Add(key ?? "<null>");
            }
            else
            {
                known.Add(row + 1); // item index = row + 1; index 0 is padding
            }
        }

        var length = Math.Min(known.Count, Artifact.Manifest.Dims.SequenceLength);
        var sequence = known.GetRange(known.Count - length, length).ToArray(); // the latest behaviours, as in training
        return new ResolvedUser(indices, sequence, unknownBehaviours, unknownFeatures);
    }

    /// <summary>All branches' user heads, <c>[N, H_u × p]</c>; with the native FIT tower, zero for branches no item uses.</summary>
    public float[] ComputeUserHeads(ResolvedUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var heads = new float[UserTower.BranchCount * UserTower.HeadSize];
        UserTower.Compute(user.Fields, user.Behaviours, heads);
        return heads;
    }

    /// <summary>Each candidate's score in request order (NaN for an unknown candidate): the parity check's view.</summary>
    public float[] ScoreAll(RankQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var user = ResolveUser(query.UserFeatures, query.Behaviours);
        var heads = ComputeUserHeads(user);
        var rows = new int[query.Candidates.Count];
        var scores = new float[rows.Length];
        for (var c = 0; c < rows.Length; c++)
        {
            rows[c] = Artifact.ItemRow(query.Candidates[c]);
        }

        for (var c = 0; c < rows.Length; c++)
        {
            if (rows[c] < 0)
            {
                scores[c] = float.NaN;
            }
            else
            {
                Scorer.Score(heads, Artifact.Items, rows.AsSpan(c, 1), scores.AsSpan(c, 1));
            }
        }

        return scores;
    }

    /// <summary>Ranks the request's candidates and returns the top-k.</summary>
    /// <exception cref="ArgumentException">The request is malformed (no candidates, too many, duplicates, k &lt; 1, missing features).</exception>
    public RankOutcome Rank(RankQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var started = Stopwatch.GetTimestamp();
        ValidateCandidates(query);
        var user = ResolveUser(query.UserFeatures, query.Behaviours);

        var candidates = query.Candidates;
        var rows = ArrayPool<int>.Shared.Rent(candidates.Count);
        var positions = ArrayPool<int>.Shared.Rent(candidates.Count);
        var scores = ArrayPool<float>.Shared.Rent(candidates.Count);
        try
        {
            var known = 0;
            List<string>? unknown = null;
            for (var c = 0; c < candidates.Count; c++)
            {
                var row = Artifact.ItemRow(candidates[c]);
                if (row < 0)
                {
                    (unknown ??= []).Add(candidates[c]);
                    continue;
                }

                rows[known] = row;
                positions[known++] = c;
            }

            var heads = ArrayPool<float>.Shared.Rent(UserTower.BranchCount * UserTower.HeadSize);
            double towerMs, scoringMs;
            try
            {
                var towerStart = Stopwatch.GetTimestamp();
                var headSpan = heads.AsSpan(0, UserTower.BranchCount * UserTower.HeadSize);
                UserTower.Compute(user.Fields, user.Behaviours, headSpan);
                var scoringStart = Stopwatch.GetTimestamp();
                Scorer.Score(headSpan, Artifact.Items, rows.AsSpan(0, known), scores.AsSpan(0, known));
                towerMs = Stopwatch.GetElapsedTime(towerStart, scoringStart).TotalMilliseconds;
                scoringMs = Stopwatch.GetElapsedTime(scoringStart).TotalMilliseconds;
            }
            finally
            {
                ArrayPool<float>.Shared.Return(heads);
            }

            var topStart = Stopwatch.GetTimestamp();
            var best = new ScoredIndex[Math.Min(query.K, known)];
            var count = TopK.Select(scores.AsSpan(0, known), best);
            var items = new RankedItem[count];
            for (var i = 0; i < count; i++)
            {
                items[i] = new RankedItem(candidates[positions[best[i].Index]], best[i].Score);
            }

            var topMs = Stopwatch.GetElapsedTime(topStart).TotalMilliseconds;
            return new RankOutcome(
                Artifact.ModelVersion, items, known, (IReadOnlyList<string>?)unknown ?? [], user.UnknownBehaviours, user.UnknownFeatures,
                new RankTimings(towerMs, scoringMs, topMs, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rows);
            ArrayPool<int>.Shared.Return(positions);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    /// <summary>Releases the user tower (an ONNX Runtime session, when used).</summary>
    public void Dispose() => UserTower.Dispose();

    private void ValidateCandidates(RankQuery query)
    {
        var candidates = query.Candidates ?? throw new ArgumentException("Candidates are required.");
        if (candidates.Count == 0)
        {
            throw new ArgumentException("The candidate list is empty.");
        }

        if (candidates.Count > MaxCandidates)
        {
            throw new ArgumentException($"{candidates.Count:N0} candidates exceed the limit of {MaxCandidates:N0}.");
        }

        if (query.K < 1)
        {
            throw new ArgumentException($"k must be at least 1, got {query.K}.");
        }

        var seen = new HashSet<string>(candidates.Count, StringComparer.Ordinal);
        foreach (var key in candidates)
        {
            if (key is null)
            {
                throw new ArgumentException("A candidate id is null.");
            }

            if (!seen.Add(key))
            {
                throw new ArgumentException($"Candidate '{key}' appears more than once.");
            }
        }
    }

    private static bool ContainsField(IReadOnlyList<FeatureVocabulary> fields, string name)
    {
        foreach (var field in fields)
        {
            if (field.Name == name)
            {
                return true;
            }
        }

        return false;
    }
}
