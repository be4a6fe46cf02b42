using TorchSharp;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// FIT (§4): the Meta Query Module gives the user tower a query — the soft query in training, the candidate's hard
/// query at inference — that DIN attention uses over the behaviour sequence; the user vector (eq. 20) and the item
/// attributes go through FC towers; the Lightweight Similarity Scorer turns the two representations into the logit.
/// </summary>
/// <remarks>
/// The §5.4.1 ablations are options of this model: <see cref="QueryMode.AveragePooling"/> removes MQM and the interaction
/// unit ("w/o MQM"), and <see cref="ModelOptions.Scorer"/> swaps LSS for the dot product, sum-max or eq. 17's FC.
/// With the dot product the towers' last layer is linear, as in <see cref="TwoTowerModel"/> (a ReLU there would confine
/// the cosine of the normalised outputs to [0, 1]).
/// </remarks>
public sealed class FitModel : RankingModel
{
    private readonly FeatureEmbeddings embeddings;
    private readonly MetaQueryModule? mqm;
    private readonly DinAttention? attention;
    private readonly Tower user_tower;
    private readonly Tower item_tower;
    private readonly LateInteraction lss;
    private (Tensor User, Tensor Item)? _last;

    /// <summary>Builds the model for a dataset schema.</summary>
    public FitModel(FeatureSchema schema, ModelOptions options) : base(nameof(FitModel), options)
    {
        embeddings = new FeatureEmbeddings(schema, options.EmbeddingDim, options.EmbeddingInitStd);
        var dim = embeddings.ItemAttributeDim;
        var pooledOnly = options.QueryMode == QueryMode.AveragePooling;
        mqm = options.QueryMode is QueryMode.ExactTarget or QueryMode.AveragePooling
            ? null
            : new MetaQueryModule(options.MetaSize, dim, options.SelfAttention);
        attention = pooledOnly ? null : new DinAttention(dim, options.AttentionHidden);
        var userDim = embeddings.UserDim + dim + (pooledOnly ? 0 : dim); // FIT, eq. 20; w/o MQM: eq. 18's pooled sequence only
        var activateLast = !options.TowerOutputIsLinear;
        user_tower = new Tower(userDim, options.TowerHidden, activateLast, options.Dropout);
        item_tower = new Tower(embeddings.ItemDim, options.TowerHidden, activateLast, options.Dropout);
        var (u, v) = (user_tower.OutputDim, item_tower.OutputDim);
        lss = options.Scorer switch
        {
            FitScorer.Lss => new LightweightSimilarityScorer(u, v, options.UserHeads, options.ItemHeads, options.HeadDim, options.EmbeddingDim),
            FitScorer.Dot => new CosineScorer(u, options.TwoTowerInitialScale),
            _ => new SimilarityMatrixScorer(options.Scorer, u, v, options.UserHeads, options.ItemHeads, options.HeadDim, options.EmbeddingDim),
        };
        RegisterComponents();
    }

    /// <summary>The Meta Query Module; null for the exact-target upper bound.</summary>
    public MetaQueryModule? MetaQuery => mqm;

    /// <summary>The output layer (LSS unless an ablation replaced it), exposed for serving-equivalence checks.</summary>
    public LateInteraction Scorer => lss;

    /// <summary>The feature embeddings, for export.</summary>
    internal FeatureEmbeddings Embeddings => embeddings;

    /// <inheritdoc />
    public override Tensor forward(ModelInput input)
    {
        var query = attention is null ? null : Query(embeddings.ItemAttributes(input.Item)); // e_c, FIT, eq. 4
        var user = UserRepresentation(input, query);
        var item = item_tower.call(embeddings.ItemTowerInput(input.Item));
        _last = training && Options.ContrastiveWeight > 0 ? (user, item) : null;
        return lss.Score(lss.UserHeads(user), lss.ItemHeads(item));
    }

    /// <summary>
    /// <c>fit-cir</c> only (not in the FIT paper): λ · IntTower's in-batch contrastive loss between the positives' user
    /// and item tower outputs. The user side is each row's own branch (its candidate's query), so the other rows' items
    /// are scored against a branch that was not theirs: a regulariser of the representations, never a served score.
    /// </summary>
    public override Tensor? AuxiliaryLoss(Tensor labels)
    {
        if (_last is not { } last)
        {
            return null;
        }

        using var weight = Options.ContrastiveWeight.ToScalar(); // explicit and disposed after use, see ModelInput
        return AuxiliaryLosses.InBatchContrastive(last.User, last.Item, labels, Options.ContrastiveTemperature).mul(weight);
    }

    /// <summary>Item sub-spaces z_v of candidates, <c>[B, H_v, p]</c>: what serving stores per item.</summary>
    public Tensor ItemHeads(Tensor items) => lss.ItemHeads(item_tower.call(embeddings.ItemTowerInput(items)));

    /// <summary>Each item's query index s (FIT, eq. 8), int64 <c>[B]</c>: what serving stores beside z_v.</summary>
    public Tensor QueryIndex(Tensor items)
    {
        var module = mqm ?? throw new InvalidOperationException($"'{Options.Name}' has no Meta Query Module, hence no query index.");
        return MetaQueryModule.QueryIndex(MetaQueryModule.Logits(embeddings.ItemAttributes(items), module.QueryGroup()));
    }

    /// <summary>
    /// The serving computation of the user side (§4.3.2): the user tower run once per hard query of the query group,
    /// giving z_u for all N branches, <c>[B, N, H_u, p]</c>.
    /// </summary>
    public Tensor UserHeadsAllBranches(ModelInput input)
    {
        var module = mqm ?? throw new InvalidOperationException($"'{Options.Name}' has no Meta Query Module, hence no query group.");
        var queryGroup = module.QueryGroup();
        var n = queryGroup.shape[0];
        var b = input.BatchSize;
        var expanded = new ModelInput(
            input.UserFields.repeat_interleave(n, 0), input.Item.repeat_interleave(n, 0), input.Sequence.repeat_interleave(n, 0));
        var queries = queryGroup.repeat(b, 1);
        var heads = lss.UserHeads(UserRepresentation(expanded, queries));
        return heads.reshape(b, n, lss.UserHeadCount, lss.HeadDim);
    }

    /// <summary>Scores from precomputed branches: selects branch s of each row and applies LSS, <c>[B]</c>.</summary>
    public Tensor ScoreFromBranches(Tensor allBranches, Tensor queryIndex, Tensor itemHeads)
    {
        var index = queryIndex.reshape(-1, 1, 1, 1).expand(-1, 1, allBranches.shape[2], allBranches.shape[3]);
        var selected = allBranches.gather(1, index).squeeze(1); // §4.3.2: the branch named by the stored query index
        return lss.Score(selected, itemHeads);
    }

    private Tensor UserRepresentation(ModelInput input, Tensor? query)
    {
        if (attention is null || query is null)
        {
            return user_tower.call(embeddings.UsersWithAverageSequence(input)); // w/o MQM (§5.4.1): FIT, eq. 18
        }

        var keys = embeddings.ItemAttributes(input.Sequence);
        var pooled = attention.Pool(query, keys, input.SequenceMask()); // FIT, eq. 19
        var userVector = cat([embeddings.Users(input.UserFields), pooled, query], 1); // FIT, eq. 20
        return user_tower.call(userVector);
    }

    private Tensor Query(Tensor itemAttributes)
    {
        if (mqm is null)
        {
            return itemAttributes; // exact target: DIN's own query, the early-interaction upper bound
        }

        var queryGroup = mqm.QueryGroup();
        var logits = MetaQueryModule.Logits(itemAttributes, queryGroup);
        var hard = MetaQueryModule.HardQuery(MetaQueryModule.QueryIndex(logits), queryGroup);
        if (!training || Options.QueryMode == QueryMode.Hard)
        {
            return hard; // §4.3.2: inference uses the hard query
        }

        var temperature = Options.QueryMode == QueryMode.SoftFixed ? 1.0 : Temperature;
        var soft = MetaQueryModule.SoftQuery(MetaQueryModule.Similarity(logits, temperature), queryGroup);
        using (no_grad())
        {
            LastQuerySimilarity = MetaQueryModule.QuerySimilarity(soft, hard).mean().item<float>();
        }

        return soft;
    }
}
