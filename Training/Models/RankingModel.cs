using TorchSharp;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// A pre-ranking model trained by the shared loop: maps a batch to one logit per (user, candidate), the p_uv fed to
/// σ in the loss (FIT, eq. 21). Training-mode forward may differ from eval-mode forward (FIT's soft vs hard query);
/// eval mode is what serving computes.
/// </summary>
public abstract class RankingModel : nn.Module<ModelInput, Tensor>
{
    /// <summary>Creates the base with the model's options.</summary>
    protected RankingModel(string name, ModelOptions options) : base(name)
    {
        Options = options;
    }

    /// <summary>The options the model was built with.</summary>
    public ModelOptions Options { get; }

    /// <summary>The soft query's softmax temperature τ for the next training forward; set by the trainer each step.</summary>
    public double Temperature { get; set; } = 1.0;

    /// <summary>Mean query similarity QS (FIT, eq. 24) of the last training-mode forward; null when the model has none.</summary>
    public double? LastQuerySimilarity { get; protected set; }

    /// <summary>
    /// A model-specific regulariser over the last training-mode forward (DAT's adaptive-mimic loss, IntTower's
    /// contrastive loss), already weighted, that the trainer adds to the cross-entropy; null when the model has none.
    /// Call only after a training-mode forward of the same batch, in the same dispose scope.
    /// </summary>
    /// <param name="labels">float <c>[B]</c> click labels of that batch.</param>
    public virtual Tensor? AuxiliaryLoss(Tensor labels) => null;
}
