using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>
/// Embedding tables for every categorical feature and the item-side lookups shared by both towers: the item
/// attribute embedding e_c (FIT, eq. 4), each behaviour's embedding in the user's sequence, and the item tower input.
/// </summary>
/// <remarks>Item attributes are functions of the item index, kept as int64 tables so a batch carries only item ids.</remarks>
public sealed class FeatureEmbeddings : nn.Module
{
    private readonly ModuleList<Embedding> user_fields;
    private readonly Embedding item_id;
    private readonly ModuleList<Embedding> item_fields;
    private readonly Tensor[] _itemFieldValues;
    private readonly Tensor[] _itemFieldCounts;
    private readonly bool[] _inSequence;

    /// <summary>Creates the tables; every table has padding row 0 (zero, never trained).</summary>
    public FeatureEmbeddings(FeatureSchema schema, int embeddingDim, double initStd) : base(nameof(FeatureEmbeddings))
    {
        EmbeddingDim = embeddingDim;
        user_fields = new ModuleList<Embedding>();
        foreach (var vocab in schema.UserFieldVocabSizes)
        {
            user_fields.Add(nn.Embedding(vocab, embeddingDim, padding_idx: 0));
        }

        item_id = nn.Embedding(schema.ItemVocabSize, embeddingDim, padding_idx: 0);
        item_fields = new ModuleList<Embedding>();
        _itemFieldValues = new Tensor[schema.ItemFields.Count];
        _itemFieldCounts = new Tensor[schema.ItemFields.Count];
        _inSequence = new bool[schema.ItemFields.Count];
        var sequenceFieldCount = 0;
        for (var i = 0; i < schema.ItemFields.Count; i++)
        {
            var field = schema.ItemFields[i];
            if (field.EntityCount != schema.ItemVocabSize)
            {
                throw new ArgumentException(
                    $"Item field '{field.Name}' has {field.EntityCount} rows, expected one per item index ({schema.ItemVocabSize}).");
            }

            item_fields.Add(nn.Embedding(field.VocabSize, embeddingDim, padding_idx: 0));
            _itemFieldValues[i] = tensor(Array.ConvertAll(field.Values, v => (long)v), [field.EntityCount, field.Width]);
            _itemFieldCounts[i] = tensor(ValueCounts(field), [field.EntityCount, 1]);
            _inSequence[i] = schema.SequenceItemFields.Contains(field.Name);
            sequenceFieldCount += _inSequence[i] ? 1 : 0;
        }

        UserDim = schema.UserFieldVocabSizes.Count * embeddingDim;
        ItemAttributeDim = (1 + sequenceFieldCount) * embeddingDim;
        ItemDim = (1 + schema.ItemFields.Count) * embeddingDim;
        RegisterComponents();

        using var noGrad = no_grad();
        foreach (var (_, parameter) in named_parameters())
        {
            nn.init.normal_(parameter, 0, initStd);
        }

        foreach (var table in user_fields.Concat(item_fields).Append(item_id))
        {
            table.weight![0].zero_();
        }
    }

    /// <summary>Embedding dimension d of each field.</summary>
    public int EmbeddingDim { get; }

    /// <summary>Width of <see cref="Users"/>: user field count × d.</summary>
    public int UserDim { get; }

    /// <summary>D: width of e_c and of each behaviour embedding, (1 + sequence item fields) × d (FIT, eq. 4).</summary>
    public int ItemAttributeDim { get; }

    /// <summary>Width of <see cref="ItemTowerInput"/>: (1 + all item fields) × d.</summary>
    public int ItemDim { get; }

    /// <summary>Concatenated user field embeddings, <c>[B, UserDim]</c>, from int64 <c>[B, fields]</c>.</summary>
    public Tensor Users(Tensor userFields)
    {
        var parts = new Tensor[user_fields.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = user_fields[i].call(userFields.select(1, i));
        }

        return cat(parts, 1);
    }

    /// <summary>
    /// e_c = [e_item_id || pooled sequence attributes] for item indices of any shape <c>[...]</c>, giving
    /// <c>[..., ItemAttributeDim]</c>; used for the candidate and for every behaviour of the sequence.
    /// </summary>
    public Tensor ItemAttributes(Tensor items) => ItemEmbedding(items, sequenceFieldsOnly: true);

    /// <summary>The item tower input: the item id and all item fields, <c>[..., ItemDim]</c>.</summary>
    public Tensor ItemTowerInput(Tensor items) => ItemEmbedding(items, sequenceFieldsOnly: false);

    /// <summary>The behaviour sequence average-pooled over its real behaviours (FIT, eq. 18), <c>[B, ItemAttributeDim]</c>.</summary>
    public Tensor AverageSequence(ModelInput input)
    {
        var mask = input.SequenceMask();
        using var one = 1.ToScalar(); // explicit and disposed after use, see ModelInput
        var count = mask.sum(1, keepdim: true, type: ScalarType.Float32).clamp_min(one);
        return ItemAttributes(input.Sequence).sum(1) / count; // FIT, eq. 18 (padding embeds to zero)
    }

    /// <summary>
    /// The user side without interaction: user features and the average-pooled sequence,
    /// <c>[B, UserDim + ItemAttributeDim]</c> (Two-Tower's user tower input).
    /// </summary>
    public Tensor UsersWithAverageSequence(ModelInput input) => cat([Users(input.UserFields), AverageSequence(input)], 1);

    // Non-padding values per item, at least 1: the divisor of the mean pooling of a multi-valued field.
    private static float[] ValueCounts(Data.CategoricalField field)
    {
        var counts = new float[field.EntityCount];
        for (var e = 0; e < counts.Length; e++)
        {
            var n = 0;
            for (var w = 0; w < field.Width; w++)
            {
                n += field.Values[(e * field.Width) + w] > 0 ? 1 : 0;
            }

            counts[e] = Math.Max(n, 1);
        }

        return counts;
    }

    // Each distinct item of the batch is embedded once and then gathered: a sequence batch repeats few items many
    // times, and pooling multi-valued fields per position (and scattering their gradients back) dominated the step.
    private Tensor ItemEmbedding(Tensor items, bool sequenceFieldsOnly)
    {
        var (distinct, inverse, _) = unique(items.reshape(-1), sorted: false, return_inverse: true);
        var parts = new List<Tensor>(1 + item_fields.Count) { item_id.call(distinct) }; // FIT, eq. 4
        for (var i = 0; i < item_fields.Count; i++)
        {
            if (sequenceFieldsOnly && !_inSequence[i])
            {
                continue;
            }

            parts.Add(PooledField(i, distinct));
        }

        var rows = cat(parts, -1);
        return rows.index_select(0, inverse!).reshape([.. items.shape, rows.shape[1]]);
    }

    // Mean over the field's non-padding values (padding row 0 embeds to zero, so a sum over all slots is the sum over
    // values). items is 1-D here.
    private Tensor PooledField(int field, Tensor items)
    {
        var values = _itemFieldValues[field].index_select(0, items);
        var embedded = item_fields[field].call(values);
        if (values.shape[1] == 1)
        {
            return embedded.squeeze(1);
        }

        return embedded.sum(1) / _itemFieldCounts[field].index_select(0, items);
    }
}
