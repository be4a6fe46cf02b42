using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// The sum-max similarity of multi-head representations (ColBERT's late interaction, used by IntTower, RankTower and
/// FIT's "w SumMax" ablation): each user head takes its best-matching item head, and the matches are summed.
/// </summary>
public static class SumMax
{
    /// <summary>p_uv = Σ_i max_j (z_u^i)ᵀ z_v^j (FIT, eq. 10), <c>[B]</c>, from z_u <c>[B, H_u, p]</c> and z_v <c>[B, H_v, p]</c>.</summary>
    public static Tensor Score(Tensor userHeads, Tensor itemHeads)
    {
        return Reduce(userHeads.bmm(itemHeads.transpose(1, 2))); // S_ij = (z_u^i)ᵀ z_v^j, [B, H_u, H_v] (FIT, eq. 13)
    }

    /// <summary>Σ_i max_j S_ij, <c>[...]</c>, of similarity matrices <c>[..., H_u, H_v]</c> (FIT, eq. 10).</summary>
    public static Tensor Reduce(Tensor similarity) => similarity.max(-1).values.sum(-1);
}
