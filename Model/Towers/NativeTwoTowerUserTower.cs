using System.Buffers;
using System.Numerics.Tensors;
using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Towers;

/// <summary>
/// Two-Tower's user tower (FIT, eq. 1–2) in plain C#: user embeddings and the mean-pooled behaviours through the FC
/// tower, L2-normalised and scaled by DSSM's γ, so that a dot product with an item vector is the logit.
/// </summary>
/// <remarks>Immutable and thread-safe; scratch is rented per call.</remarks>
public sealed class NativeTwoTowerUserTower : IUserTower
{
    private readonly FeatureTables _features;
    private readonly DenseLayer[] _layers;
    private readonly float _scale;
    private readonly int _attributeDim;
    private readonly int _maxSequence;
    private readonly int _widest;

    private NativeTwoTowerUserTower(
        IReadOnlyDictionary<string, NamedTensor> tensors, ModelDims dims, IReadOnlyList<FeatureVocabulary> userFields, Func<NamedTensor>? deferredAttributes)
    {
        _features = new FeatureTables(tensors, dims, userFields, deferredAttributes);
        _attributeDim = dims.ItemAttributeDim;
        _maxSequence = dims.SequenceLength;
        var tower = dims.TowerHidden;
        var inputs = _features.UserDim + _attributeDim;
        _layers = new DenseLayer[tower.Count];
        _widest = inputs;
        for (var i = 0; i < tower.Count; i++)
        {
            var width = i == 0 ? inputs : tower[i - 1];
            _layers[i] = new DenseLayer(
                TensorLookup.Require(tensors, $"user_tower.fc{i}.weight", width, tower[i]),
                TensorLookup.Require(tensors, $"user_tower.fc{i}.bias", tower[i]), width, tower[i], relu: i < tower.Count - 1);
            _widest = Math.Max(_widest, tower[i]);
        }

        _scale = TensorLookup.Require(tensors, "two_tower.scale", 1)[0];
        HeadSize = tower[^1];
        if (HeadSize != dims.UserHeadSize)
        {
            throw new ArtifactException($"Two-Tower output width {HeadSize} differs from the manifest's head size {dims.UserHeadSize}.");
        }
    }

    /// <inheritdoc />
    public int BranchCount => 1;

    /// <inheritdoc />
    public int HeadSize { get; }

    /// <inheritdoc />
    public string Implementation => "native";

    /// <summary>Builds the tower from an artifact's tensors.</summary>
    /// <exception cref="ArtifactException">A tensor is missing or has the wrong shape.</exception>
    public static NativeTwoTowerUserTower FromTensors(
        IReadOnlyDictionary<string, NamedTensor> tensors, ModelDims dims, IReadOnlyList<FeatureVocabulary> userFields, Func<NamedTensor>? deferredAttributes = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(userFields);
        return new NativeTwoTowerUserTower(tensors, dims, userFields, deferredAttributes);
    }

    /// <inheritdoc />
    public void Compute(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, Span<float> heads) =>
        Compute(userFields, behaviours, [], heads);

    /// <inheritdoc />
    public void ComputeBranches(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, ReadOnlySpan<float> behaviourAttributes, int firstBranch, Span<float> heads)
    {
        BranchRange.Check(BranchCount, HeadSize, firstBranch, heads.Length); // one branch: the range is all of it
        Compute(userFields, behaviours, behaviourAttributes, heads);
    }

    private void Compute(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, ReadOnlySpan<float> behaviourAttributes, Span<float> heads)
    {
        if (!behaviourAttributes.IsEmpty && behaviourAttributes.Length != behaviours.Length * _attributeDim)
        {
            ThrowHelper.ShapeMismatch($"Two-Tower user tower: {behaviourAttributes.Length} attribute values for {behaviours.Length} behaviours of {_attributeDim}");
        }

        if (userFields.Length != _features.FieldCount || behaviours.Length > _maxSequence || heads.Length != HeadSize)
        {
            ThrowHelper.ShapeMismatch(
                $"Two-Tower user tower: {userFields.Length} user fields (expected {_features.FieldCount}), {behaviours.Length} behaviours " +
                $"(at most {_maxSequence}), {heads.Length} head values (expected {HeadSize})");
        }

        var scratch = ArrayPool<float>.Shared.Rent(2 * _widest);
        try
        {
            var x = scratch.AsSpan(0, _widest);
            var y = scratch.AsSpan(_widest, _widest);
            _features.CopyUser(userFields, x);
            var pooled = x.Slice(_features.UserDim, _attributeDim);
            pooled.Clear();
            for (var l = 0; l < behaviours.Length; l++)
            {
                var key = behaviourAttributes.IsEmpty ? _features.Attributes(behaviours[l]) : behaviourAttributes.Slice(l * _attributeDim, _attributeDim);
                TensorPrimitives.Add(pooled, key, pooled);
            }

            TensorPrimitives.Divide(pooled, Math.Max(behaviours.Length, 1), pooled); // FIT, eq. 18: average pooling

            for (var i = 0; i < _layers.Length; i++)
            {
                _layers[i].Forward(x, 1, y[.._layers[i].Outputs]);
                var swap = x;
                x = y;
                y = swap;
            }

            var output = x[..HeadSize];
            var norm = Math.Max(TensorPrimitives.Norm(output), 1e-12f);
            TensorPrimitives.Multiply(output, _scale / norm, heads); // FIT, eq. 2 (L2 norm) and DSSM's γ
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>Nothing to release: the tower holds only managed arrays.</summary>
    public void Dispose()
    {
    }
}
