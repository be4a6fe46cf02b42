using TorchSharp;
using static TorchSharp.torch;

namespace FitCluster.Training.Export;

/// <summary>Reads a module's parameters and buffers by state-dict name, as double arrays.</summary>
internal sealed class StateReader
{
    private readonly Dictionary<string, Tensor> _state;

    public StateReader(nn.Module module) => _state = module.state_dict();

    public double[] Vector(string name) => Read(name).Values;

    public Matrix Matrix(string name)
    {
        var (values, shape) = Read(name);
        return shape.Length == 2
            ? new Matrix(values, (int)shape[0], (int)shape[1])
            : throw new InvalidOperationException($"State tensor '{name}' has {shape.Length} dimensions, expected 2.");
    }

    private (double[] Values, long[] Shape) Read(string name)
    {
        if (!_state.TryGetValue(name, out var tensor))
        {
            throw new InvalidOperationException($"The model has no state tensor '{name}'. Known: {string.Join(", ", _state.Keys.Order(StringComparer.Ordinal))}.");
        }

        using var scope = NewDisposeScope();
        return (tensor.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray(), tensor.shape);
    }
}
