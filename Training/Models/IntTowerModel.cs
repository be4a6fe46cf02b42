using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// IntTower (Li et al., CIKM 2022): each tower starts with an FE-Block (<see cref="LightSe"/> field refinement before
/// its FC stack); the FCI late interaction projects the output of every user tower layer into H_u heads and the last
/// item layer into H_v heads, and sums their sum-max similarities (FIT, eq. 10) over the layers; the contrastive
/// regulariser (CIR) adds λ times an in-batch contrastive loss between the last-layer user and item representations
/// of the positive pairs.
/// </summary>
/// <remarks>
/// Assumptions: user fields are the user field embeddings and the d-wide parts of the average-pooled sequence (the
/// shared Two-Tower input); heads are unnormalised linear projections of width p (<see cref="ModelOptions.HeadDim"/>);
/// λ = <see cref="ModelOptions.ContrastiveWeight"/>, τ = <see cref="ModelOptions.ContrastiveTemperature"/>.
/// The item side (H_v heads per item) is precomputable, so it stays a two-tower model.
/// </remarks>
public sealed class IntTowerModel : RankingModel
{
    private readonly FeatureEmbeddings embeddings;
    private readonly LightSe user_se;
    private readonly LightSe item_se;
    private readonly Tower user_tower;
    private readonly Tower item_tower;
    private readonly ModuleList<Linear> user_heads;
    private readonly Linear item_heads;
    private (Tensor User, Tensor Item)? _last;

    /// <summary>Builds the model for a dataset schema.</summary>
    public IntTowerModel(FeatureSchema schema, ModelOptions options) : base(nameof(IntTowerModel), options)
    {
        embeddings = new FeatureEmbeddings(schema, options.EmbeddingDim, options.EmbeddingInitStd);
        var d = options.EmbeddingDim;
        var userDim = embeddings.UserDim + embeddings.ItemAttributeDim;
        user_se = new LightSe(userDim / d, d);
        item_se = new LightSe(embeddings.ItemDim / d, d);
        user_tower = new Tower(userDim, options.TowerHidden, activateLast: true, options.Dropout);
        item_tower = new Tower(embeddings.ItemDim, options.TowerHidden, activateLast: true, options.Dropout);
        user_heads = new ModuleList<Linear>();
        foreach (var width in options.TowerHidden)
        {
            user_heads.Add(nn.Linear(width, options.UserHeads * options.HeadDim));
        }

        item_heads = nn.Linear(item_tower.OutputDim, options.ItemHeads * options.HeadDim);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(ModelInput input)
    {
        var layers = user_tower.LayerOutputs(user_se.call(embeddings.UsersWithAverageSequence(input)));
        var item = item_tower.call(item_se.call(embeddings.ItemTowerInput(input.Item)));
        var itemHeads = MultiHead.Split(item_heads.call(item), Options.ItemHeads, Options.HeadDim);
        Tensor? score = null;
        for (var l = 0; l < layers.Count; l++)
        {
            var userHeads = MultiHead.Split(user_heads[l].call(layers[l]), Options.UserHeads, Options.HeadDim);
            var layerScore = SumMax.Score(userHeads, itemHeads); // FCI: sum-max per user layer
            score = score is null ? layerScore : score + layerScore;
        }

        _last = training ? (layers[^1], item) : null;
        return score!;
    }

    /// <summary>λ · the in-batch contrastive loss of the positives' last-layer representations (CIR).</summary>
    public override Tensor? AuxiliaryLoss(Tensor labels)
    {
        if (_last is not { } last || !(Options.ContrastiveWeight > 0))
        {
            return null;
        }

        using var weight = Options.ContrastiveWeight.ToScalar(); // explicit and disposed after use, see ModelInput
        return AuxiliaryLosses.InBatchContrastive(last.User, last.Item, labels, Options.ContrastiveTemperature).mul(weight);
    }
}
