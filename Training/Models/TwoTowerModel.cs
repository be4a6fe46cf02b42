using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// The Two-Tower (DSSM) baseline: the behaviour sequence average-pooled (FIT, eq. 18) beside the user features,
/// FC towers (eq. 1), L2-normalised representations (eq. 2) and their dot product as the logit (eq. 3).
/// </summary>
/// <remarks>
/// <para>The logit is γ·h_uᵀh_v with a learned smoothing factor γ &gt; 0 (initially
/// <see cref="ModelOptions.TwoTowerInitialScale"/>): DSSM [10] scales its cosine relevance by γ before the softmax.
/// Without it σ(p_uv) is confined to [0.27, 0.73]; the bounded logit left Two-Tower barely above an item-popularity
/// scorer on ML-1M (test AUC 0.840 vs 0.821), a straw man rather than a baseline.</para>
/// <para>The towers' last layer is linear (no BatchNorm/ReLU): with a ReLU there, both representations would be non-negative
/// after L2 normalisation, p_uv ∈ [0, 1], and the logloss could not go below ≈0.50 — yet the paper reports 0.4508 for
/// Two-Tower on ML-1M, which needs p_uv ∈ [−1, 1].</para>
/// </remarks>
public sealed class TwoTowerModel : RankingModel
{
    private readonly FeatureEmbeddings embeddings;
    private readonly Tower user_tower;
    private readonly Tower item_tower;
    private readonly Parameter log_scale;

    /// <summary>Builds the model for a dataset schema.</summary>
    public TwoTowerModel(FeatureSchema schema, ModelOptions options) : base(nameof(TwoTowerModel), options)
    {
        embeddings = new FeatureEmbeddings(schema, options.EmbeddingDim, options.EmbeddingInitStd);
        user_tower = new Tower(embeddings.UserDim + embeddings.ItemAttributeDim, options.TowerHidden, activateLast: false, options.Dropout);
        item_tower = new Tower(embeddings.ItemDim, options.TowerHidden, activateLast: false, options.Dropout);
        log_scale = nn.Parameter(tensor(new[] { (float)Math.Log(options.TwoTowerInitialScale) }));
        RegisterComponents();
    }

    /// <summary>The L2-normalised user representation h_u, <c>[B, d_L]</c>.</summary>
    public Tensor UserRepresentation(ModelInput input)
    {
        var h = user_tower.call(embeddings.UsersWithAverageSequence(input)); // FIT, eq. 18
        return ScaledCosine.Normalize(h); // FIT, eq. 2
    }

    /// <summary>The L2-normalised item representation h_v, <c>[B, d_L]</c>.</summary>
    public Tensor ItemRepresentation(Tensor items)
    {
        return ScaledCosine.Normalize(item_tower.call(embeddings.ItemTowerInput(items))); // FIT, eq. 2
    }

    /// <summary>The smoothing factor γ applied to the cosine (DSSM).</summary>
    public Tensor Scale => log_scale.exp();

    /// <summary>The feature embeddings, for export.</summary>
    internal FeatureEmbeddings Embeddings => embeddings;

    /// <inheritdoc />
    public override Tensor forward(ModelInput input)
    {
        return ScaledCosine.Score(UserRepresentation(input), ItemRepresentation(input.Item), Scale); // FIT, eq. 3 with DSSM's γ
    }
}
