using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// A tower's FC stack: each layer Linear → BatchNorm → ReLU (FIT, eq. 1; BatchNorm per §5.1.4). The last layer keeps
/// BatchNorm + ReLU only when <c>activateLast</c> is set.
/// </summary>
public sealed class Tower : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    /// <summary>Epsilon of every tower BatchNorm (libtorch's default).</summary>
    public const double BatchNormEpsilon = 1e-5;

    /// <summary>Creates the stack.</summary>
    /// <param name="inputDim">Input width d_0.</param>
    /// <param name="hidden">Layer widths d_1..d_L.</param>
    /// <param name="activateLast">Whether the last layer ends in BatchNorm + ReLU (FIT's towers) or is linear (Two-Tower, see docs).</param>
    /// <param name="dropout">Dropout after each activated layer (0 = none).</param>
    public Tower(int inputDim, IReadOnlyList<int> hidden, bool activateLast, double dropout = 0) : base(nameof(Tower))
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        var width = inputDim;
        for (var i = 0; i < hidden.Count; i++)
        {
            modules.Add(($"fc{i}", nn.Linear(width, hidden[i])));
            if (i < hidden.Count - 1 || activateLast)
            {
                modules.Add(($"bn{i}", nn.BatchNorm1d(hidden[i], eps: BatchNormEpsilon)));
                modules.Add(($"relu{i}", nn.ReLU()));
                if (dropout > 0)
                {
                    modules.Add(($"dropout{i}", nn.Dropout(dropout)));
                }
            }

            width = hidden[i];
        }

        OutputDim = width;
        layers = nn.Sequential(modules);
        RegisterComponents();
    }

    /// <summary>Width of the output h^L.</summary>
    public int OutputDim { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => layers.call(input);

    /// <summary>The output of every layer h^1 … h^L (after its activation, when it has one): IntTower's multi-layer user side.</summary>
    public IReadOnlyList<Tensor> LayerOutputs(Tensor input)
    {
        var outputs = new List<Tensor>();
        var h = input;
        foreach (var (name, child) in layers.named_children())
        {
            if (name.StartsWith("fc", StringComparison.Ordinal) && !ReferenceEquals(h, input))
            {
                outputs.Add(h); // a new layer starts: the previous one is complete
            }

            h = ((nn.Module<Tensor, Tensor>)child).call(h);
        }

        outputs.Add(h);
        return outputs;
    }
}
