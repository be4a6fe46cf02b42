using FitCluster.Model.Artifacts;
using FitCluster.Model.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FitCluster.Model.Towers;

/// <summary>
/// A model version's item tower (<c>item_tower.onnx</c>), for items that arrive after export: raw feature values →
/// vocabulary indices (an unseen value is index 0, as at export) → heads z_v (FIT, eq. 12; the Two-Tower output for
/// the dot scorer) and, for FIT, the query index s (eq. 8), in the layout of the item table's rows.
/// </summary>
/// <remarks>
/// <para>FIT's query index is the argmax of e_c·Q*ᵀ (eq. 6–8) over the branches the version's user tower computes (the
/// item table's used branches): a new item whose best branch is one no exported item uses takes its best computed
/// branch instead, since the user tower never computes (and training never fitted) the other. The graph's logits are
/// read as an extra output for that.</para>
/// <para>Thread-safe: ONNX Runtime allows concurrent <c>Run</c> calls; buffers are per call. CPU only (the GPU serves
/// the scoring, not the occasional item write).</para>
/// </remarks>
public sealed class ItemTower : IDisposable
{
    private const string HeadsOutput = "item_heads";
    private readonly InferenceSession _session;
    private readonly IReadOnlyList<FeatureVocabulary> _fields;
    private readonly string? _logitsOutput;
    private readonly bool[] _computed;

    /// <summary>Loads the item tower of <paramref name="artifact"/>.</summary>
    /// <exception cref="ArtifactException">The graph is not one ONNX Runtime accepts, or a FIT graph has no query logits.</exception>
    /// <param name="artifact">The model version.</param>
    /// <param name="vocabularies">Its item vocabularies, indexed.</param>
    public ItemTower(ModelArtifact artifact, ItemVocabularies vocabularies)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(vocabularies);
        var manifest = artifact.Manifest;
        var dims = manifest.Dims;
        _fields = manifest.ItemFields;
        Vocabularies = vocabularies;
        RowSize = dims.ItemHeadSize;
        MetaSize = dims.MetaSize;

        _computed = new bool[MetaSize];
        foreach (var branch in artifact.ItemFile.UsedBranches)
        {
            _computed[branch] = true;
        }

        var path = artifact.PathOf(manifest.ItemTower.File);
        var bytes = File.ReadAllBytes(path);
        if (manifest.ModelKind == ModelKinds.Fit)
        {
            var logits = OnnxModelEdit.FindNode(bytes, "MatMul", 1, "mqm.query_group_t")
                ?? throw new ArtifactException($"{path}: FIT's item tower has no MatMul with 'mqm.query_group_t' (FIT, eq. 6).");
            _logitsOutput = logits.Outputs[0];
            bytes = OnnxModelEdit.WithOutput(bytes, _logitsOutput, MetaSize);
        }

        _session = OnnxSessions.Create(bytes, path, new InferenceOptions { IntraOpThreads = 1 });
    }

    /// <summary>Floats of heads per item: H_v × p.</summary>
    public int RowSize { get; }

    /// <summary>N, the branches a query index names.</summary>
    public int MetaSize { get; }

    /// <summary>The item features the tower takes (input order) and their vocabularies.</summary>
    public ItemVocabularies Vocabularies { get; }

    /// <summary>
    /// Embeds <paramref name="itemIds"/>.Length items: heads into <paramref name="heads"/> (<c>[rows, H_v × p]</c>) and
    /// query indices into <paramref name="queryIndex"/> (0 for a model without branches).
    /// </summary>
    /// <param name="itemIds">Each item's learned id (its item index; 0 = a new item without one).</param>
    /// <param name="features">One buffer per field (<see cref="Vocabularies"/> order) of <c>[rows, width]</c> vocabulary indices, 0 = none.</param>
    /// <param name="heads">Receives the heads.</param>
    /// <param name="queryIndex">Receives the query indices.</param>
    public void Run(ReadOnlySpan<long> itemIds, IReadOnlyList<long[]> features, Span<float> heads, Span<ushort> queryIndex)
    {
        ArgumentNullException.ThrowIfNull(features);
        var rows = itemIds.Length;
        if (features.Count != _fields.Count || heads.Length < rows * RowSize || queryIndex.Length < rows)
        {
            throw new ArgumentException($"{features.Count} feature buffers for {_fields.Count} fields, {heads.Length} head floats and {queryIndex.Length} query indices for {rows} items.");
        }

        if (rows == 0)
        {
            return;
        }

        var inputs = new List<NamedOnnxValue>(features.Count + 1)
        {
            NamedOnnxValue.CreateFromTensor("item_id", new DenseTensor<long>(itemIds.ToArray(), [rows])),
        };
        for (var f = 0; f < features.Count; f++)
        {
            var width = _fields[f].Width;
            if (features[f].Length < rows * width)
            {
                throw new ArgumentException($"Field '{_fields[f].Name}': {features[f].Length} indices for {rows} items of width {width}.");
            }

            inputs.Add(NamedOnnxValue.CreateFromTensor(_fields[f].Name, new DenseTensor<long>(features[f].AsMemory(0, rows * width), [rows, width])));
        }

        string[] outputs = _logitsOutput is null ? [HeadsOutput] : [HeadsOutput, _logitsOutput];
        using var results = _session.Run(inputs, outputs);
        Copy(results[0].AsTensor<float>(), heads[..(rows * RowSize)]);
        if (_logitsOutput is null)
        {
            queryIndex[..rows].Clear();
            return;
        }

        var logits = new float[rows * MetaSize];
        Copy(results[1].AsTensor<float>(), logits);
        for (var r = 0; r < rows; r++)
        {
            queryIndex[r] = BestComputedBranch(logits.AsSpan(r * MetaSize, MetaSize));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    // FIT, eq. 8: the hard query is the argmax of the logits (first on ties, as ONNX's ArgMax), over computed branches.
    private ushort BestComputedBranch(ReadOnlySpan<float> logits)
    {
        var best = -1;
        for (var n = 0; n < logits.Length; n++)
        {
            if (_computed[n] && (best < 0 || logits[n] > logits[best]))
            {
                best = n;
            }
        }

        return (ushort)Math.Max(best, 0);
    }

    private static void Copy(Tensor<float> tensor, Span<float> destination)
    {
        if (tensor is DenseTensor<float> dense)
        {
            dense.Buffer.Span[..destination.Length].CopyTo(destination);
            return;
        }

        var i = 0;
        foreach (var value in tensor)
        {
            if (i == destination.Length)
            {
                break;
            }

            destination[i++] = value;
        }
    }
}
