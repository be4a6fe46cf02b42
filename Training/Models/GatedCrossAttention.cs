using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// RankTower's gated cross-attention between user heads Z_u <c>[B, H_u, p]</c> and item heads Z_v <c>[B, H_v, p]</c>:
/// each side attends over the other's heads, A_u = softmax(Z_u Z_vᵀ / √p) Z_v and A_v = softmax(Z_v Z_uᵀ / √p) Z_u,
/// and a gate per element mixes the attended and the original heads, g_u = σ(W_u[Z_u ‖ A_u] + b_u),
/// Z′_u = g_u ⊙ A_u + (1 − g_u) ⊙ Z_u (likewise for the item side with its own W_v, b_v).
/// </summary>
public sealed class GatedCrossAttention : nn.Module
{
    private readonly Linear user_gate;
    private readonly Linear item_gate;
    private readonly double _scale;

    /// <summary>Creates the gates for heads of width <paramref name="headDim"/>.</summary>
    public GatedCrossAttention(int headDim) : base(nameof(GatedCrossAttention))
    {
        _scale = 1.0 / Math.Sqrt(headDim);
        user_gate = nn.Linear(2 * headDim, headDim);
        item_gate = nn.Linear(2 * headDim, headDim);
        RegisterComponents();
    }

    /// <summary>(Z′_u, Z′_v), the same shapes as the inputs.</summary>
    public (Tensor User, Tensor Item) Forward(Tensor userHeads, Tensor itemHeads)
    {
        using var scale = _scale.ToScalar(); // explicit and disposed after use, see ModelInput
        var similarity = userHeads.bmm(itemHeads.transpose(1, 2)).mul(scale); // [B, H_u, H_v]
        var userAttended = similarity.softmax(-1).bmm(itemHeads);
        var itemAttended = similarity.transpose(1, 2).softmax(-1).bmm(userHeads);
        return (Gate(user_gate, userHeads, userAttended), Gate(item_gate, itemHeads, itemAttended));
    }

    private static Tensor Gate(Linear gate, Tensor heads, Tensor attended)
    {
        var g = sigmoid(gate.call(cat([heads, attended], -1)));
        return heads + (g * (attended - heads)); // g ⊙ A + (1 − g) ⊙ Z
    }
}
