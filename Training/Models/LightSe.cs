using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// IntTower's Light-SE, the feature refinement of its FE-Block: each field embedding is squeezed to its mean,
/// z ∈ R^M; one FC and a softmax give field weights a = softmax(Wz + b); the output keeps a residual path,
/// E′ = E + a ⊙ E (each field e_i scaled by a_i).
/// </summary>
public sealed class LightSe : nn.Module<Tensor, Tensor>
{
    private readonly Linear excitation;
    private readonly int _fields;
    private readonly int _fieldDim;

    /// <summary>Creates the block for <paramref name="fields"/> fields of width <paramref name="fieldDim"/>.</summary>
    public LightSe(int fields, int fieldDim) : base(nameof(LightSe))
    {
        _fields = fields;
        _fieldDim = fieldDim;
        excitation = nn.Linear(fields, fields);
        RegisterComponents();
    }

    /// <summary>The field weights a, <c>[B, M]</c>, from the concatenated fields <c>[B, M · k]</c>.</summary>
    public Tensor Weights(Tensor fields) => excitation.call(fields.reshape(-1, _fields, _fieldDim).mean([-1])).softmax(-1);

    /// <summary>E + a ⊙ E over the concatenated fields, <c>[B, M · k]</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        var split = input.reshape(-1, _fields, _fieldDim);
        return input + (split * Weights(input).unsqueeze(-1)).reshape(-1, _fields * _fieldDim);
    }
}
