using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// DIN's activation unit and weighted sum pooling (FIT, eq. 19): a(e_j, q) is an MLP over [e_j, q, e_j − q, e_j ⊙ q]
/// with Dice activations and a scalar output; weights are not normalised, and padding positions weigh exactly 0.
/// </summary>
/// <remarks>
/// The first layer is one Linear over the 4D-wide concatenation (weight [h, 4D]); it is evaluated as
/// e_j(W_k + W_d)ᵀ + e_j⊙q W_pᵀ + (q(W_q − W_d)ᵀ + b), which is the same function without materialising the
/// concatenation, and computes the query term once per sample instead of once per behaviour.
/// </remarks>
public sealed class DinAttention : nn.Module
{
    private readonly Linear fc0;
    private readonly Dice dice0;
    private readonly ModuleList<Linear> fcs;
    private readonly ModuleList<Dice> dices;
    private readonly Linear output;
    private readonly int _dim;

    /// <summary>Creates the unit for queries and keys of width <paramref name="dim"/>.</summary>
    /// <param name="dim">D, the width of the query and of each behaviour embedding.</param>
    /// <param name="hidden">Hidden widths before the scalar output (FIT §5.1.4: [64, 16]).</param>
    public DinAttention(int dim, IReadOnlyList<int> hidden) : base(nameof(DinAttention))
    {
        if (hidden.Count == 0)
        {
            throw new ArgumentException("DIN attention needs at least one hidden layer.", nameof(hidden));
        }

        _dim = dim;
        fc0 = nn.Linear(4 * dim, hidden[0]);
        dice0 = new Dice(hidden[0]);
        fcs = new ModuleList<Linear>();
        dices = new ModuleList<Dice>();
        for (var i = 1; i < hidden.Count; i++)
        {
            fcs.Add(nn.Linear(hidden[i - 1], hidden[i]));
            dices.Add(new Dice(hidden[i]));
        }

        output = nn.Linear(hidden[^1], 1);
        RegisterComponents();
    }

    /// <summary>Activation weights a(e_j, q), <c>[B, L]</c>, zero at padding.</summary>
    /// <param name="query">[B, D] soft / hard query or target embedding.</param>
    /// <param name="keys">[B, L, D] behaviour embeddings.</param>
    /// <param name="mask">bool [B, L], true at real behaviours.</param>
    public Tensor Weights(Tensor query, Tensor keys, Tensor mask)
    {
        var w = fc0.weight!;
        var wk = w.narrow(1, 0, _dim);
        var wq = w.narrow(1, _dim, _dim);
        var wd = w.narrow(1, 2 * _dim, _dim);
        var wp = w.narrow(1, 3 * _dim, _dim);
        var perKey = keys.matmul((wk + wd).t()) + (keys * query.unsqueeze(1)).matmul(wp.t());
        var perQuery = query.matmul((wq - wd).t()) + fc0.bias!;
        var h = dice0.call(perKey + perQuery.unsqueeze(1));
        for (var i = 0; i < fcs.Count; i++)
        {
            h = dices[i].call(fcs[i].call(h));
        }

        var scores = output.call(h).squeeze(-1);
        return scores * mask.to_type(scores.dtype); // padding weighs exactly 0
    }

    /// <summary>Weighted sum pooling e_u^i = Σ_j a(e_j, q) e_j (FIT, eq. 19), <c>[B, D]</c>.</summary>
    public Tensor Pool(Tensor query, Tensor keys, Tensor mask)
    {
        var weights = Weights(query, keys, mask);
        return weights.unsqueeze(1).bmm(keys).squeeze(1); // FIT, eq. 19
    }
}
