using FitCluster.Training.Data;

namespace FitCluster.Training.Models;

/// <summary>What a model needs to know about a dataset's features: vocabulary sizes and each item's attributes.</summary>
/// <param name="UserFieldVocabSizes">Embedding rows of each user field, in column order of <see cref="ModelInput.UserFields"/>.</param>
/// <param name="ItemVocabSize">Item indices including the padding index 0.</param>
/// <param name="ItemFields">Item attribute fields (item id excluded), each with values for every item index.</param>
/// <param name="SequenceItemFields">Which of <paramref name="ItemFields"/> join the item id in e_c and in the behaviour embedding.</param>
public sealed record FeatureSchema(
    IReadOnlyList<int> UserFieldVocabSizes,
    int ItemVocabSize,
    IReadOnlyList<CategoricalField> ItemFields,
    IReadOnlyList<string> SequenceItemFields)
{
    /// <summary>The schema of a loaded dataset.</summary>
    public static FeatureSchema From(InteractionLog log)
    {
        var vocab = new int[log.UserFields.Count];
        for (var i = 0; i < vocab.Length; i++)
        {
            vocab[i] = log.UserFields[i].VocabSize;
        }

        return new FeatureSchema(vocab, log.ItemVocabSize, log.ItemFields, log.SequenceItemFields);
    }
}
