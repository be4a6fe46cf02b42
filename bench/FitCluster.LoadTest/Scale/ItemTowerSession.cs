using FitCluster.Model.Artifacts;
using FitCluster.Model.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// A FIT artifact's item tower (<c>item_tower.onnx</c>) run over batches of new items (item id 0: no learned id
/// embedding): their heads z_v (FIT, eq. 12), query indices s (eq. 8) and — so that the user tower can read them as
/// behaviours — their attribute embeddings e_c (eq. 4). The graph computes e_c on the way to the query index but does
/// not output it; the session loads a copy of the graph with that tensor added as a third output.
/// </summary>
/// <remarks>Not thread-safe: one caller at a time.</remarks>
public sealed class ItemTowerSession : IDisposable
{
    /// <summary>The initializer FIT's query index multiplies e_c by (<c>mqm.query_group_t</c>, Q*ᵀ): its MatMul's other input is e_c.</summary>
    public const string QueryGroupInitializer = "mqm.query_group_t";

    private const string HeadsOutput = "item_heads";
    private const string QueryIndexOutput = "query_index";
    private readonly InferenceSession _session;
    private readonly ModelManifest _manifest;
    private readonly string _attributesOutput;

    /// <summary>Loads the item tower of <paramref name="artifact"/>.</summary>
    /// <exception cref="ArtifactException">The artifact is not FIT, or its item tower has no query index from e_c.</exception>
    public ItemTowerSession(ModelArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        _manifest = artifact.Manifest;
        if (_manifest.ModelKind != ModelKinds.Fit)
        {
            throw new ArtifactException($"{artifact.Directory}: a '{_manifest.ModelKind}' model; the scale benchmark generates catalogs with a FIT item tower.");
        }

        var bytes = File.ReadAllBytes(artifact.PathOf(_manifest.ItemTower.File));
        _attributesOutput = AttributesTensorName(bytes)
            ?? throw new ArtifactException($"{artifact.Directory}: the item tower has no MatMul with '{QueryGroupInitializer}' (FIT, eq. 6).");
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1 };
        _session = new InferenceSession(OnnxModelEdit.WithOutput(bytes, _attributesOutput, _manifest.Dims.ItemAttributeDim), options);
    }

    /// <summary>
    /// Runs <paramref name="rows"/> new items whose features are <paramref name="features"/> (one <c>[rows, width]</c>
    /// buffer per item feature, manifest order) and writes their heads <c>[rows, H_v × p]</c>, query indices and e_c
    /// <c>[rows, D]</c>.
    /// </summary>
    public void Run(int rows, IReadOnlyList<long[]> features, Span<float> heads, Span<ushort> queryIndex, Span<float> attributes)
    {
        ArgumentNullException.ThrowIfNull(features);
        var dims = _manifest.Dims;
        var inputs = new List<NamedOnnxValue>(features.Count + 1)
        {
            NamedOnnxValue.CreateFromTensor("item_id", new DenseTensor<long>(new long[rows], [rows])),
        };
        for (var f = 0; f < features.Count; f++)
        {
            var width = _manifest.ItemFields[f].Width;
            inputs.Add(NamedOnnxValue.CreateFromTensor(_manifest.ItemFields[f].Name, new DenseTensor<long>(features[f].AsMemory(0, rows * width), [rows, width])));
        }

        using var outputs = _session.Run(inputs, [HeadsOutput, QueryIndexOutput, _attributesOutput]);
        Copy(outputs[0].AsTensor<float>(), heads[..(rows * dims.ItemHeadSize)]);
        Copy(outputs[2].AsTensor<float>(), attributes[..(rows * dims.ItemAttributeDim)]);
        var index = outputs[1].AsTensor<long>();
        for (var i = 0; i < rows; i++)
        {
            queryIndex[i] = checked((ushort)index.GetValue(i));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    /// <summary>
    /// The name of e_c in a serialized ONNX model: the first input of the MatMul whose second input is
    /// <see cref="QueryGroupInitializer"/>; null when there is none.
    /// </summary>
    public static string? AttributesTensorName(ReadOnlySpan<byte> model) =>
        OnnxModelEdit.FindNode(model, "MatMul", 1, QueryGroupInitializer) is { } node ? node.Inputs[0] : null;

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
            destination[i++] = value;
        }
    }
}
