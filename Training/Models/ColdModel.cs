using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// COLD (Wang et al., 2020): a single tower over every feature group of the pair — user fields, the average-pooled
/// behaviour sequence and the candidate's fields — reweighted by an SE block, then an FC stack to one logit. It scores
/// every user–item pair with the whole network (no precomputed item side), the early-interaction reference.
/// </summary>
/// <remarks>
/// Feature groups are the d-wide embeddings: each user field, each part of the pooled behaviour embedding (item id,
/// sequence fields) and each candidate field. The FC stack is the towers' [300, 300, 128] (Linear → BatchNorm → ReLU,
/// FIT §5.1.4) and a linear output; COLD's engineering for online speed (feature selection by SE weight, column-wise
/// computation, float16) and its hand-made cross features are left out: they change latency, not the function.
/// </remarks>
public sealed class ColdModel : RankingModel
{
    private readonly FeatureEmbeddings embeddings;
    private readonly SqueezeExcitation se;
    private readonly Tower tower;
    private readonly Linear output;

    /// <summary>Builds the model for a dataset schema.</summary>
    public ColdModel(FeatureSchema schema, ModelOptions options) : base(nameof(ColdModel), options)
    {
        embeddings = new FeatureEmbeddings(schema, options.EmbeddingDim, options.EmbeddingInitStd);
        var width = embeddings.UserDim + embeddings.ItemAttributeDim + embeddings.ItemDim;
        se = new SqueezeExcitation(width / options.EmbeddingDim, options.EmbeddingDim);
        tower = new Tower(width, options.TowerHidden, activateLast: true, options.Dropout);
        output = nn.Linear(tower.OutputDim, 1);
        RegisterComponents();
    }

    /// <summary>The SE block, exposed for feature-importance inspection.</summary>
    public SqueezeExcitation Se => se;

    /// <inheritdoc />
    public override Tensor forward(ModelInput input)
    {
        var groups = cat([embeddings.UsersWithAverageSequence(input), embeddings.ItemTowerInput(input.Item)], 1);
        return output.call(tower.call(se.call(groups))).squeeze(-1);
    }
}
