using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// DIN's data-adaptive activation: f(s) = p(s)·s + (1 − p(s))·α·s with p(s) = sigmoid((s − E[s]) / sqrt(Var[s] + ε)),
/// the statistics taken per unit over the batch (BatchNorm without affine) and α learned per unit (initialised 0).
/// </summary>
public sealed class Dice : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm1d bn;
    private readonly Parameter alpha;

    /// <summary>Epsilon of Dice's batch normalisation.</summary>
    public const double DefaultEpsilon = 1e-8;

    /// <summary>Creates Dice over the last dimension of width <paramref name="units"/>.</summary>
    public Dice(int units, double epsilon = DefaultEpsilon) : base(nameof(Dice))
    {
        bn = nn.BatchNorm1d(units, eps: epsilon, affine: false);
        alpha = nn.Parameter(zeros(units));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var units = input.shape[^1];
        var p = sigmoid(bn.call(input.reshape(-1, units))).reshape(input.shape);
        return input * (p + alpha - (alpha * p)); // p·s + (1 − p)·α·s, without an implicit Scalar (see ModelInput)
    }
}
