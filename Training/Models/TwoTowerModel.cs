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
        var mask = input.SequenceMask();
        var keys = embeddings.ItemAttributes(input.Sequence);
        using var one = 1.ToScalar(); // explicit and disposed after use, see ModelInput
        var count = mask.sum(1, keepdim: true, type: ScalarType.Float32).clamp_min(one);
        var pooled = keys.sum(1) / count; // FIT, eq. 18 (average pooling; padding embeds to zero)
        var h = user_tower.call(cat([embeddings.Users(input.UserFields), pooled], 1));
        return nn.functional.normalize(h, p: 2, dim: 1); // FIT, eq. 2
    }

    /// <summary>The L2-normalised item representation h_v, <c>[B, d_L]</c>.</summary>
    public Tensor ItemRepresentation(Tensor items)
    {
        var h = item_tower.call(embeddings.ItemTowerInput(items));
        return nn.functional.normalize(h, p: 2, dim: 1); // FIT, eq. 2
    }

    /// <summary>The smoothing factor γ applied to the cosine (DSSM).</summary>
    public Tensor Scale => log_scale.exp();

    /// <summary>The feature embeddings, for export.</summary>
    internal FeatureEmbeddings Embeddings => embeddings;

    /// <inheritdoc />
    public override Tensor forward(ModelInput input)
    {
        var cosine = (UserRepresentation(input) * ItemRepresentation(input.Item)).sum(1); // FIT, eq. 3: h_uᵀ h_v
        return cosine * Scale; // DSSM's smoothing factor γ
    }
}
