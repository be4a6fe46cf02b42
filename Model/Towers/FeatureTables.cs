using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Towers;

/// <summary>
/// The embedding lookups both user towers start from: each user feature's table and e_c (FIT, eq. 4) of every item
/// index, with the index checks at the lookup.
/// </summary>
internal sealed class FeatureTables
{
    private readonly float[][] _userTables; // per field [V_f, e]
    private readonly Lazy<float[]> _itemAttributes; // e_c per item index, [V, D]: read at first use when the shards hold the rows
    private readonly int _embeddingDim;
    private readonly int _itemVocab;

    /// <param name="tensors">The artifact's tensors.</param>
    /// <param name="dims">Its dimensions.</param>
    /// <param name="userFields">Its user features.</param>
    /// <param name="deferredAttributes">Reads <c>item.attributes</c> when <paramref name="tensors"/> left it out (shards hold
    /// its rows and pass them with the behaviours); called at most once, only if a request comes without them.</param>
    public FeatureTables(
        IReadOnlyDictionary<string, NamedTensor> tensors, ModelDims dims, IReadOnlyList<FeatureVocabulary> userFields, Func<NamedTensor>? deferredAttributes = null)
    {
        _embeddingDim = dims.EmbeddingDim;
        AttributeDim = dims.ItemAttributeDim;
        _userTables = new float[userFields.Count][];
        for (var f = 0; f < userFields.Count; f++)
        {
            _userTables[f] = TensorLookup.Require(tensors, $"user.embedding.{userFields[f].Name}", userFields[f].Labels.Count, _embeddingDim);
        }

        _itemVocab = dims.ItemCount + 1;
        var vocab = _itemVocab;
        var dim = AttributeDim;
        if (tensors.ContainsKey("item.attributes") || deferredAttributes is null)
        {
            var table = TensorLookup.Require(tensors, "item.attributes", vocab, dim);
            _itemAttributes = new Lazy<float[]>(table);
        }
        else
        {
            _itemAttributes = new Lazy<float[]>(
                () => TensorLookup.Require(new Dictionary<string, NamedTensor> { ["item.attributes"] = deferredAttributes() }, "item.attributes", vocab, dim),
                LazyThreadSafetyMode.ExecutionAndPublication);
        }
    }

    /// <summary>User features per request.</summary>
    public int FieldCount => _userTables.Length;

    /// <summary>Width of the concatenated user embeddings.</summary>
    public int UserDim => _userTables.Length * _embeddingDim;

    /// <summary>D, the width of e_c.</summary>
    public int AttributeDim { get; }

    /// <summary>Writes the concatenated embeddings of <paramref name="fields"/> (vocabulary indices) into <paramref name="destination"/>.</summary>
    public void CopyUser(ReadOnlySpan<int> fields, Span<float> destination)
    {
        var e = _embeddingDim;
        for (var f = 0; f < fields.Length; f++)
        {
            var table = _userTables[f];
            if ((uint)fields[f] >= (uint)(table.Length / e))
            {
                ThrowHelper.ShapeMismatch($"user field {f} index {fields[f]} outside its vocabulary of {table.Length / e}");
            }

            table.AsSpan(fields[f] * e, e).CopyTo(destination.Slice(f * e));
        }
    }

    /// <summary>e_c of item index <paramref name="item"/> (FIT, eq. 4).</summary>
    public ReadOnlySpan<float> Attributes(int item)
    {
        if ((uint)item >= (uint)_itemVocab)
        {
            ThrowHelper.ShapeMismatch($"behaviour item index {item} outside 0..{_itemVocab - 1}");
        }

        return _itemAttributes.Value.AsSpan(item * AttributeDim, AttributeDim);
    }
}
