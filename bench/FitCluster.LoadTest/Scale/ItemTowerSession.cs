using System.Text;
using FitCluster.Model.Artifacts;
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
        _session = new InferenceSession(WithOutput(bytes, _attributesOutput, _manifest.Dims.ItemAttributeDim), options);
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
    /// <see cref="QueryGroupInitializer"/>; null when there is none. Reads ModelProto.graph (7) → GraphProto.node (1) →
    /// NodeProto.input (1) and op_type (4) of the protobuf wire format.
    /// </summary>
    public static string? AttributesTensorName(ReadOnlySpan<byte> model)
    {
        foreach (var graph in Fields(model, 7))
        {
            foreach (var node in Fields(model.Slice(graph.Start, graph.Length), 1))
            {
                var nodeBytes = model.Slice(graph.Start, graph.Length).Slice(node.Start, node.Length);
                var inputs = new List<string>();
                string? opType = null;
                foreach (var input in Fields(nodeBytes, 1))
                {
                    inputs.Add(Encoding.UTF8.GetString(nodeBytes.Slice(input.Start, input.Length)));
                }

                foreach (var op in Fields(nodeBytes, 4))
                {
                    opType = Encoding.UTF8.GetString(nodeBytes.Slice(op.Start, op.Length));
                }

                if (opType == "MatMul" && inputs.Count == 2 && inputs[1] == QueryGroupInitializer)
                {
                    return inputs[0];
                }
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="model"/> with one more graph output: float <c>[batch, width]</c> <paramref name="name"/>. Protobuf
    /// merges a repeated embedded message field, so appending a second ModelProto.graph holding only the new
    /// GraphProto.output (12) adds it to the graph's outputs.
    /// </summary>
    public static byte[] WithOutput(ReadOnlySpan<byte> model, string name, int width)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var batch = Message(2, Encoding.UTF8.GetBytes("batch"));                        // Dimension.dim_param
        var columns = Varint(1, width);                                                  // Dimension.dim_value
        var shape = Concat(Message(1, batch), Message(1, columns));                       // TensorShapeProto.dim ×2
        var tensorType = Concat(Varint(1, 1), Message(2, shape));                         // elem_type FLOAT, shape
        var type = Message(1, tensorType);                                               // TypeProto.tensor_type
        var valueInfo = Concat(Message(1, Encoding.UTF8.GetBytes(name)), Message(2, type)); // ValueInfoProto name, type
        var graph = Message(12, valueInfo);                                              // GraphProto.output
        return Concat(model.ToArray(), Message(7, graph));                               // ModelProto.graph (merged)
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
            destination[i++] = value;
        }
    }

    // The length-delimited occurrences of field `number` at the top level of a message: (start, length) of each payload.
    private static List<(int Start, int Length)> Fields(ReadOnlySpan<byte> message, int number)
    {
        var found = new List<(int, int)>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    ReadVarint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    var length = checked((int)ReadVarint(message, ref position));
                    if ((int)(tag >> 3) == number)
                    {
                        found.Add((position, length));
                    }

                    position += length;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType} at byte {position}.");
            }
        }

        if (position != message.Length)
        {
            throw new InvalidDataException("A protobuf field runs past the end of its message.");
        }

        return found;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new InvalidDataException("A protobuf varint runs past the end of its message.");
            }

            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("A protobuf varint is longer than 10 bytes.");
    }

    private static byte[] Varint(int field, long value) => Concat(VarintBytes((ulong)field << 3), VarintBytes((ulong)value));

    private static byte[] Message(int field, byte[] payload) => Concat(VarintBytes(((ulong)field << 3) | 2), VarintBytes((ulong)payload.Length), payload);

    private static byte[] VarintBytes(ulong value)
    {
        var bytes = new List<byte>(10);
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }
}
