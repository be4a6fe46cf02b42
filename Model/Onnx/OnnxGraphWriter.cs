using System.Runtime.InteropServices;

namespace FitCluster.Model.Onnx;

/// <summary>
/// Writes a small ONNX model (IR 8, default-domain opset 17, standard operators) from C#: inputs, outputs, float32 and
/// int64 initializers and nodes with integer attributes. The field numbers are those of the public <c>onnx.proto3</c>.
/// </summary>
internal sealed class OnnxGraphWriter(string name)
{
    /// <summary>ONNX element type FLOAT.</summary>
    public const int Float = 1;

    /// <summary>ONNX element type INT64.</summary>
    public const int Int64 = 7;

    /// <summary>ONNX element type FLOAT16.</summary>
    public const int Float16 = 10;

    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];

    /// <summary>A graph input; each dimension is a length (long) or a symbolic name (string).</summary>
    public OnnxGraphWriter Input(string valueName, int elementType, params object[] dims)
    {
        _inputs.Add(ValueInfo(valueName, elementType, dims));
        return this;
    }

    /// <summary>A graph output; each dimension is a length (long) or a symbolic name (string).</summary>
    public OnnxGraphWriter Output(string valueName, int elementType, params object[] dims)
    {
        _outputs.Add(ValueInfo(valueName, elementType, dims));
        return this;
    }

    /// <summary>A float32 constant.</summary>
    public OnnxGraphWriter Initializer(string valueName, float[] values, params long[] dims) =>
        AddInitializer(valueName, Float, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    /// <summary>An int64 constant.</summary>
    public OnnxGraphWriter Initializer(string valueName, long[] values, params long[] dims) =>
        AddInitializer(valueName, Int64, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    /// <summary>A node; <paramref name="attributes"/> are int (INT) or long[] (INTS) values.</summary>
    public OnnxGraphWriter Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new ProtoWriter();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, $"{opType}_{_nodes.Count}").String(4, opType);
        foreach (var (attributeName, value) in attributes)
        {
            var attribute = new ProtoWriter().String(1, attributeName);
            switch (value)
            {
                case int i:
                    attribute.Varint(3, i).Varint(20, 2); // i, type INT
                    break;
                case long[] ints:
                    foreach (var v in ints)
                    {
                        attribute.Varint(8, v);
                    }

                    attribute.Varint(20, 7); // type INTS
                    break;
                default:
                    throw new ArgumentException($"Unsupported attribute value {value}.", nameof(attributes));
            }

            node.Message(5, attribute);
        }

        _nodes.Add(node);
        return this;
    }

    /// <summary>The serialized <c>ModelProto</c>.</summary>
    public byte[] ToModel()
    {
        var graph = new ProtoWriter();
        foreach (var node in _nodes)
        {
            graph.Message(1, node);
        }

        graph.String(2, name);
        foreach (var initializer in _initializers)
        {
            graph.Message(5, initializer);
        }

        foreach (var input in _inputs)
        {
            graph.Message(11, input);
        }

        foreach (var output in _outputs)
        {
            graph.Message(12, output);
        }

        var opset = new ProtoWriter().String(1, string.Empty).Varint(2, 17);
        return new ProtoWriter()
            .Varint(1, 8) // ir_version
            .String(2, "FitCluster.Model")
            .Message(7, graph)
            .Message(8, opset)
            .ToArray();
    }

    private OnnxGraphWriter AddInitializer(string valueName, int elementType, ReadOnlySpan<byte> raw, long[] dims)
    {
        var tensor = new ProtoWriter();
        foreach (var dim in dims)
        {
            tensor.Varint(1, dim);
        }

        tensor.Varint(2, elementType).String(8, valueName).Bytes(9, raw); // raw_data: little-endian, as ONNX specifies
        _initializers.Add(tensor);
        return this;
    }

    private static ProtoWriter ValueInfo(string valueName, int elementType, object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var dim in dims)
        {
            var dimension = dim switch
            {
                string symbol => new ProtoWriter().String(2, symbol),
                _ => new ProtoWriter().Varint(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture)),
            };
            shape.Message(1, dimension);
        }

        var tensorType = new ProtoWriter().Varint(1, elementType).Message(2, shape);
        return new ProtoWriter().String(1, valueName).Message(2, new ProtoWriter().Message(1, tensorType));
    }
}
