using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// RankTower (2024): Two-Tower's towers (average-pooled sequence), multi-head user and item representations projected
/// from the tower outputs, a <see cref="GatedCrossAttention"/> between the two sets of heads and the sum-max similarity
/// (FIT, eq. 10) of the gated heads as the logit.
/// </summary>
/// <remarks>
/// Assumptions: heads are linear projections of the last tower layer (H_u, H_v, p from <see cref="ModelOptions"/>);
/// RankTower's hybrid (pointwise + pairwise) loss is left out so that every model trains on the same cross-entropy.
/// The item heads are precomputable; the cross-attention runs per pair at scoring time (RankTower's latency cost).
/// </remarks>
public sealed class RankTowerModel : RankingModel
{
    private readonly FeatureEmbeddings embeddings;
    private readonly Tower user_tower;
    private readonly Tower item_tower;
    private readonly Linear user_heads;
    private readonly Linear item_heads;
    private readonly GatedCrossAttention cross;

    /// <summary>Builds the model for a dataset schema.</summary>
    public RankTowerModel(FeatureSchema schema, ModelOptions options) : base(nameof(RankTowerModel), options)
    {
        embeddings = new FeatureEmbeddings(schema, options.EmbeddingDim, options.EmbeddingInitStd);
        user_tower = new Tower(embeddings.UserDim + embeddings.ItemAttributeDim, options.TowerHidden, activateLast: true, options.Dropout);
        item_tower = new Tower(embeddings.ItemDim, options.TowerHidden, activateLast: true, options.Dropout);
        user_heads = nn.Linear(user_tower.OutputDim, options.UserHeads * options.HeadDim);
        item_heads = nn.Linear(item_tower.OutputDim, options.ItemHeads * options.HeadDim);
        cross = new GatedCrossAttention(options.HeadDim);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(ModelInput input)
    {
        var user = MultiHead.Split(user_heads.call(user_tower.call(embeddings.UsersWithAverageSequence(input))), Options.UserHeads, Options.HeadDim);
        var item = MultiHead.Split(item_heads.call(item_tower.call(embeddings.ItemTowerInput(input.Item))), Options.ItemHeads, Options.HeadDim);
        var (gatedUser, gatedItem) = cross.Forward(user, item);
        return SumMax.Score(gatedUser, gatedItem);
    }
}
