using TorchSharp;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>The baselines' regularisers that the shared loop adds to the cross-entropy via <see cref="RankingModel.AuxiliaryLoss"/>.</summary>
public static class AuxiliaryLosses
{
    /// <summary>
    /// DAT's adaptive-mimic loss for one side: (1/T) Σ_t y_t ‖a_t − sg(p_t)‖², the augmented vector of one tower pulled
    /// towards the other tower's output on positives only; sg (stop-gradient) means only <paramref name="augmented"/>
    /// learns from it. DAT writes it as (1/T) Σ [y·a + (1 − y)·p − p]², which is the same value.
    /// </summary>
    /// <param name="augmented">a_u or a_v, <c>[B, d]</c>.</param>
    /// <param name="mimicked">The opposite tower's output p_v or p_u, <c>[B, d]</c> (detached here).</param>
    /// <param name="labels">float <c>[B]</c>, 1 for positives.</param>
    /// <returns>A scalar tensor.</returns>
    public static Tensor Mimic(Tensor augmented, Tensor mimicked, Tensor labels)
    {
        var squared = (augmented - mimicked.detach()).square().sum(-1); // stop-gradient on the mimicked side
        return (squared * labels).mean();
    }

    /// <summary>
    /// IntTower's contrastive regulariser: for every positive row t, the in-batch softmax cross-entropy that picks
    /// its own item among all candidates of the batch, −log(exp(cos(u_t, v_t)/τ) / Σ_s exp(cos(u_t, v_s)/τ)), averaged
    /// over the positive rows (0 when the batch has none).
    /// </summary>
    /// <param name="user">User representations, <c>[B, d]</c> (normalised here).</param>
    /// <param name="item">Item representations, <c>[B, d]</c> (normalised here).</param>
    /// <param name="labels">float <c>[B]</c>, 1 for positives.</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <returns>A scalar tensor.</returns>
    public static Tensor InBatchContrastive(Tensor user, Tensor item, Tensor labels, double temperature)
    {
        using var tau = temperature.ToScalar(); // explicit and disposed after use, see ModelInput
        using var one = 1.ToScalar();
        var logits = ScaledCosine.Normalize(user).matmul(ScaledCosine.Normalize(item).t()).div(tau); // [B, B]
        var own = -logits.log_softmax(1).diagonal();
        return (own * labels).sum() / labels.sum().clamp_min(one);
    }
}
