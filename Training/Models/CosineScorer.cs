using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// The Two-Tower output layer as a <see cref="LateInteraction"/>: one "head" per side, the L2-normalised tower output
/// (FIT, eq. 2), scored by γ · h_uᵀ h_v (eq. 3) with DSSM's learned smoothing factor γ (see <see cref="TwoTowerModel"/>).
/// </summary>
public sealed class CosineScorer : LateInteraction
{
    private readonly Parameter log_scale;

    /// <summary>Creates the scorer for tower outputs of width <paramref name="dim"/>.</summary>
    /// <param name="dim">d_L, the width of both tower outputs.</param>
    /// <param name="initialScale">γ before training (positive).</param>
    public CosineScorer(int dim, double initialScale) : base(nameof(CosineScorer))
    {
        HeadDim = dim;
        log_scale = nn.Parameter(tensor(new[] { (float)Math.Log(initialScale) }));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int UserHeadCount => 1;

    /// <inheritdoc />
    public override int HeadDim { get; }

    /// <summary>The smoothing factor γ.</summary>
    public Tensor Scale => log_scale.exp();

    /// <inheritdoc />
    public override Tensor UserHeads(Tensor userRepresentation) => ScaledCosine.Normalize(userRepresentation).unsqueeze(-2);

    /// <inheritdoc />
    public override Tensor ItemHeads(Tensor itemRepresentation) => ScaledCosine.Normalize(itemRepresentation).unsqueeze(-2);

    /// <inheritdoc />
    public override Tensor Score(Tensor userHeads, Tensor itemHeads) =>
        ScaledCosine.Score(userHeads.squeeze(-2), itemHeads.squeeze(-2), Scale); // FIT, eq. 3 with DSSM's γ
}
