using System.Text;

namespace FitCluster.Model.Onnx;

/// <summary>
/// Reads and amends a serialized ONNX model at the protobuf wire level (the field numbers of the public
/// <c>onnx.proto3</c>), without a protobuf runtime: finds a node by its operator and one of its inputs, and exposes an
/// intermediate tensor as one more graph output — how serving reads e_c or FIT's query logits out of an exported item
/// tower whose graph does not output them.
/// </summary>
public static class OnnxModelEdit
{
    private const int ModelGraph = 7;  // ModelProto.graph
    private const int GraphNode = 1;   // GraphProto.node
    private const int GraphOutput = 12; // GraphProto.output
    private const int NodeInput = 1;   // NodeProto.input
    private const int NodeOutput = 2;  // NodeProto.output
    private const int NodeOpType = 4;  // NodeProto.op_type

    /// <summary>
    /// The first node of operator <paramref name="opType"/> whose input number <paramref name="inputIndex"/> is
    /// <paramref name="inputName"/>: its inputs and outputs; null when the graph has none.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed protobuf message.</exception>
    public static (IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)? FindNode(ReadOnlySpan<byte> model, string opType, int inputIndex, string inputName)
    {
        foreach (var graph in Fields(model, ModelGraph))
        {
            var graphBytes = model.Slice(graph.Start, graph.Length);
            foreach (var node in Fields(graphBytes, GraphNode))
            {
                var nodeBytes = graphBytes.Slice(node.Start, node.Length);
                var op = Strings(nodeBytes, NodeOpType);
                var inputs = Strings(nodeBytes, NodeInput);
                if (op.Count == 1 && op[0] == opType && inputs.Count > inputIndex && inputs[inputIndex] == inputName)
                {
                    return (inputs, Strings(nodeBytes, NodeOutput));
                }
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="model"/> with one more graph output: float <c>[batch, width]</c> named <paramref name="name"/>.
    /// Protobuf merges a repeated embedded message field, so appending a second ModelProto.graph that holds only the new
    /// GraphProto.output adds it to the graph's outputs.
    /// </summary>
    public static byte[] WithOutput(ReadOnlySpan<byte> model, string name, int width)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var shape = new ProtoWriter()
            .Message(1, new ProtoWriter().String(2, "batch")) // TensorShapeProto.dim: dim_param
            .Message(1, new ProtoWriter().Varint(1, width));  // TensorShapeProto.dim: dim_value
        var tensorType = new ProtoWriter().Varint(1, OnnxGraphWriter.Float).Message(2, shape); // elem_type, shape
        var valueInfo = new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType)); // name, TypeProto.tensor_type
        var appended = new ProtoWriter().Message(ModelGraph, new ProtoWriter().Message(GraphOutput, valueInfo)).ToArray();
        var result = new byte[model.Length + appended.Length];
        model.CopyTo(result);
        appended.CopyTo(result.AsSpan(model.Length));
        return result;
    }

    private static List<string> Strings(ReadOnlySpan<byte> message, int number)
    {
        var values = new List<string>();
        foreach (var (start, length) in Fields(message, number))
        {
            values.Add(Encoding.UTF8.GetString(message.Slice(start, length)));
        }

        return values;
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
                    if (length < 0 || length > message.Length - position)
                    {
                        throw new InvalidDataException("A protobuf field runs past the end of its message.");
                    }

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

        return position == message.Length ? found : throw new InvalidDataException("A protobuf field runs past the end of its message.");
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
}
