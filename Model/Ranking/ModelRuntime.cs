using FitCluster.Model.Artifacts;
using FitCluster.Model.Scoring;
using FitCluster.Model.Towers;

namespace FitCluster.Model.Ranking;

/// <summary>
/// A model version's computation without its items: the artifact's metadata, the user tower and the late interaction.
/// A silo holds one per loaded version; the items live in shards (<see cref="Catalog.ItemShard"/>).
/// </summary>
/// <remarks>Thread-safe; disposing releases the user tower's ONNX session, when it has one.</remarks>
public sealed class ModelRuntime : IDisposable
{
    /// <summary>Builds the user tower and scorer of <paramref name="artifact"/>.</summary>
    /// <exception cref="ArtifactException">The artifact's tensors or ONNX graph do not match its manifest.</exception>
    public ModelRuntime(ModelArtifact artifact, InferenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        options ??= new InferenceOptions();
        Artifact = artifact;
        var manifest = artifact.Manifest;
        UserTower = options.UserTower switch
        {
            UserTowerImplementation.Onnx => new OnnxUserTower(
                artifact.PathOf(manifest.UserTower.File), manifest.Dims, manifest.UserFields.Count, options),
            _ => manifest.ModelKind == ModelKinds.Fit
                // Branches no item uses are never computed: the item table says which are used (FIT, eq. 8).
                ? NativeFitUserTower.FromTensors(artifact.Tensors, manifest.Dims, manifest.UserFields, artifact.ItemFile.UsedBranches, Deferred(artifact))
                : NativeTwoTowerUserTower.FromTensors(artifact.Tensors, manifest.Dims, manifest.UserFields, Deferred(artifact)),
        };
        Scorer = manifest.Scorer == ScorerKinds.Lss ? LssScorer.FromTensors(artifact.Tensors, manifest.Dims) : new DotScorer();
        _itemVocabularies = new Lazy<ItemVocabularies>(() => new ItemVocabularies(manifest.ItemFields), LazyThreadSafetyMode.ExecutionAndPublication);
        _itemTower = new Lazy<ItemTower>(() => new ItemTower(artifact, ItemVocabularies), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private readonly Lazy<ItemTower> _itemTower;
    private readonly Lazy<ItemVocabularies> _itemVocabularies;

    /// <summary>The item features and their vocabularies, indexed on first use.</summary>
    public ItemVocabularies ItemVocabularies => _itemVocabularies.Value;

    /// <summary>
    /// The item tower, to embed items written after export; its ONNX session is made on first use (a silo that never sees
    /// an item write never holds it).
    /// </summary>
    /// <exception cref="ArtifactException">The item tower graph is unusable.</exception>
    public ItemTower ItemTower => _itemTower.Value;

    /// <summary>The model version's metadata, weights and item table index.</summary>
    public ModelArtifact Artifact { get; }

    /// <summary>The user tower in use.</summary>
    public IUserTower UserTower { get; }

    /// <summary>The late interaction in use.</summary>
    public ICandidateScorer Scorer { get; }

    /// <summary>Model version id.</summary>
    public string ModelVersion => Artifact.ModelVersion;

    /// <summary>
    /// Resolves raw user feature values to vocabulary indices (0 = a value the model never saw, listed in
    /// <c>UnknownFeatures</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A feature is missing or not one the model has.</exception>
    public (int[] Fields, IReadOnlyList<string> UnknownFeatures) ResolveFeatures(IReadOnlyDictionary<string, string> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var fields = Artifact.Manifest.UserFields;
        foreach (var name in features.Keys)
        {
            if (!fields.Any(f => f.Name == name))
            {
                throw new ArgumentException($"Unknown user feature '{name}'; the model has: {string.Join(", ", fields.Select(f => f.Name))}.");
            }
        }

        var indices = new int[fields.Count];
        var unknown = new List<string>();
        for (var f = 0; f < fields.Count; f++)
        {
            if (!features.TryGetValue(fields[f].Name, out var value) || value is null)
            {
                throw new ArgumentException($"Missing user feature '{fields[f].Name}'.");
            }

            indices[f] = Artifact.UserFieldIndex(f, value);
            if (indices[f] == 0)
            {
                unknown.Add(fields[f].Name);
            }
        }

        return (indices, unknown);
    }

    // item.attributes when the artifact was loaded without it (its shards hold the rows): read whole only if asked.
    private static Func<NamedTensor> Deferred(ModelArtifact artifact) => () => artifact.ReadDeferredTensor(ModelArtifact.AttributesTensor);

    /// <summary>All branches' user heads, <c>[N, H_u × p]</c>; with the native FIT tower, zero for branches no item uses.</summary>
    public float[] ComputeUserHeads(ResolvedUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var heads = new float[UserTower.BranchCount * UserTower.HeadSize];
        if (user.BehaviourAttributes is { } rows)
        {
            UserTower.ComputeBranches(user.Fields, user.Behaviours, rows, 0, heads);
        }
        else
        {
            UserTower.Compute(user.Fields, user.Behaviours, heads);
        }
        return heads;
    }

    /// <summary>Releases the user tower and the item tower, when it was made.</summary>
    public void Dispose()
    {
        UserTower.Dispose();
        if (_itemTower.IsValueCreated)
        {
            _itemTower.Value.Dispose();
        }
    }
}
