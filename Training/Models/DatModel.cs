using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// DAT, the Dual Augmented Two-tower model (Yu et al., 2021): Two-Tower (average-pooled sequence, FC towers, γ-scaled
/// cosine) where each tower's input also carries a learned augmented vector of its own id, a_u for the user and a_v for
/// the item; the adaptive-mimic mechanism (AMM) pulls a_u towards the item tower's output p_v on positives, and a_v
/// towards p_u, so each tower sees an estimate of the other side ("implicit early interaction").
/// </summary>
/// <remarks>
/// <para>Assumptions: the augmented vectors have the towers' output width d_L (as in DAT), are looked up by user field 0
/// (every loader puts <c>user_id</c> first) and by the item index; the loss is BCE + λ(loss_u + loss_v) with
/// λ = <see cref="ModelOptions.DatMimicWeight"/>. DAT's category alignment loss (for imbalanced item categories
/// across scenarios) is omitted: our datasets have one scenario and one label. The output layer is Two-Tower's
/// (<see cref="CosineScorer"/>), so the two differ only by the augmented vectors and AMM.</para>
/// </remarks>
public sealed class DatModel : RankingModel
{
    private readonly FeatureEmbeddings embeddings;
    private readonly Embedding user_augmented;
    private readonly Embedding item_augmented;
    private readonly Tower user_tower;
    private readonly Tower item_tower;
    private readonly CosineScorer scorer;
    private (Tensor UserAugmented, Tensor ItemAugmented, Tensor User, Tensor Item)? _last;

    /// <summary>Builds the model for a dataset schema.</summary>
    public DatModel(FeatureSchema schema, ModelOptions options) : base(nameof(DatModel), options)
    {
        embeddings = new FeatureEmbeddings(schema, options.EmbeddingDim, options.EmbeddingInitStd);
        var width = options.TowerHidden[^1];
        user_augmented = nn.Embedding(schema.UserFieldVocabSizes[0], width);
        item_augmented = nn.Embedding(schema.ItemVocabSize, width);
        user_tower = new Tower(embeddings.UserDim + embeddings.ItemAttributeDim + width, options.TowerHidden, activateLast: false, options.Dropout);
        item_tower = new Tower(embeddings.ItemDim + width, options.TowerHidden, activateLast: false, options.Dropout);
        scorer = new CosineScorer(width, options.TwoTowerInitialScale);
        RegisterComponents();
        using var noGrad = no_grad();
        nn.init.normal_(user_augmented.weight!, 0, options.EmbeddingInitStd);
        nn.init.normal_(item_augmented.weight!, 0, options.EmbeddingInitStd);
    }

    /// <inheritdoc />
    public override Tensor forward(ModelInput input)
    {
        var userAugmented = user_augmented.call(input.UserFields.select(1, 0));
        var itemAugmented = item_augmented.call(input.Item);
        var user = scorer.UserHeads(user_tower.call(cat([embeddings.UsersWithAverageSequence(input), userAugmented], 1))); // z_u = [e_u || a_u]
        var item = scorer.ItemHeads(item_tower.call(cat([embeddings.ItemTowerInput(input.Item), itemAugmented], 1)));     // z_v = [e_v || a_v]
        _last = training ? (userAugmented, itemAugmented, user.squeeze(1), item.squeeze(1)) : null;
        return scorer.Score(user, item);
    }

    /// <summary>λ(loss_u + loss_v): a_u mimics p_v and a_v mimics p_u on positives (DAT's AMM).</summary>
    public override Tensor? AuxiliaryLoss(Tensor labels)
    {
        if (_last is not { } last)
        {
            return null;
        }

        using var weight = Options.DatMimicWeight.ToScalar(); // explicit and disposed after use, see ModelInput
        var mimic = AuxiliaryLosses.Mimic(last.UserAugmented, last.Item, labels) + AuxiliaryLosses.Mimic(last.ItemAugmented, last.User, labels);
        return mimic.mul(weight);
    }
}
