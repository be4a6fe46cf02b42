using System.Runtime.InteropServices;
using FitCluster.Training.Export.Onnx.Proto;
using Google.Protobuf;

namespace FitCluster.Training.Export.Onnx;

/// <summary>
/// Builds one ONNX graph of standard operators (IR version 8, default-domain opset 17) and serialises it as a
/// ModelProto. Value names are generated, so callers pass around the names this builder returns.
/// </summary>
/// <remarks>Not thread-safe; one builder per graph.</remarks>
public sealed class OnnxGraphBuilder
{
    /// <summary>ONNX IR version written (IR 8 is read by ONNX Runtime ≥ 1.10 and the standard checker).</summary>
    public const long IrVersion = 8;

    /// <summary>Default-domain operator set version written.</summary>
    public const long OpsetVersion = 17;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nodeCount;

    /// <summary>Starts an empty graph.</summary>
    public OnnxGraphBuilder(string graphName, string docString)
    {
        _graph = new GraphProto { Name = graphName, DocString = docString };
    }

    /// <summary>Declares a graph input; a null dimension is symbolic, named by <paramref name="symbols"/>.</summary>
    /// <param name="name">Input name.</param>
    /// <param name="elementType">Element type.</param>
    /// <param name="dims">Fixed sizes, or null for a symbolic dimension.</param>
    /// <param name="symbols">Names of the symbolic dimensions, in order of the nulls in <paramref name="dims"/>.</param>
    public string Input(string name, TensorProto.Types.DataType elementType, long?[] dims, params string[] symbols)
    {
        _graph.Input.Add(ValueInfo(Claim(name), elementType, dims, symbols));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> (a name returned by this builder) as a graph output called <paramref name="name"/>.</summary>
    public void Output(string value, string name, TensorProto.Types.DataType elementType, long?[] dims, params string[] symbols)
    {
        var output = value == name ? value : Node("Identity", [value], name: name);
        _graph.Output.Add(ValueInfo(output, elementType, dims, symbols));
    }

    /// <summary>Adds a float32 initializer (a constant weight) of the given shape.</summary>
    public string Constant(string name, ReadOnlySpan<float> values, params long[] shape)
    {
        CheckShape(name, values.Length, shape);
        var tensor = new TensorProto { Name = Claim(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)); // raw_data is little-endian, as is x64
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 initializer (shapes, axes, indices).</summary>
    public string Constant(string name, ReadOnlySpan<long> values, params long[] shape)
    {
        CheckShape(name, values.Length, shape);
        var tensor = new TensorProto { Name = Claim(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(shape);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    /// <param name="opType">Standard operator (default domain, opset 17).</param>
    /// <param name="inputs">Input value names.</param>
    /// <param name="attributes">Attributes, built with <see cref="IntAttribute"/>, <see cref="IntsAttribute"/> or <see cref="FloatAttribute"/>.</param>
    /// <param name="name">Output name; generated when null.</param>
    public string Node(string opType, string[] inputs, AttributeProto[]? attributes = null, string? name = null)
    {
        var index = _nodeCount++;
        var output = Claim(name ?? $"{opType.ToLowerInvariant()}_{index}");
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{index}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        if (attributes is not null)
        {
            node.Attribute.AddRange(attributes);
        }

        _graph.Node.Add(node);
        return output;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A list-of-integers attribute.</summary>
    public static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A float attribute.</summary>
    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>The graph as serialised ModelProto bytes.</summary>
    /// <param name="producerVersion">Written as producer_version.</param>
    /// <param name="metadata">Written as metadata_props (model version, kind, dimensions).</param>
    public byte[] ToModelBytes(string producerVersion, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "FitCluster.Training",
            ProducerVersion = producerVersion,
            Domain = "org.fitcluster",
            ModelVersion = 1,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model.ToByteArray();
    }

    private string Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"ONNX value name '{name}' is used twice in graph '{_graph.Name}'.");
        }

        return name;
    }

    private static void CheckShape(string name, int length, long[] shape)
    {
        long expected = 1;
        foreach (var dim in shape)
        {
            expected *= dim;
        }

        if (expected != length)
        {
            throw new ArgumentException($"Initializer '{name}' has {length} values but shape [{string.Join(", ", shape)}] needs {expected}.");
        }
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType elementType, long?[] dims, string[] symbols)
    {
        var shape = new TensorShapeProto();
        var symbol = 0;
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is { } value
                ? new TensorShapeProto.Types.Dimension { DimValue = value }
                : new TensorShapeProto.Types.Dimension { DimParam = symbol < symbols.Length ? symbols[symbol++] : throw new ArgumentException($"Input '{name}' has more symbolic dimensions than names.") });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape } },
        };
    }
}
