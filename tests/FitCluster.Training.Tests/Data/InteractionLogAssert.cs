using FitCluster.Training.Data;
using Xunit;

namespace FitCluster.Training.Tests.Data;

/// <summary>Field-by-field equality of two logs (a cache round-trip must give back an identical log).</summary>
internal static class InteractionLogAssert
{
    public static void Equal(InteractionLog expected, InteractionLog actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.UserCount, actual.UserCount);
        Assert.Equal(expected.ItemVocabSize, actual.ItemVocabSize);
        Assert.Equal(expected.BehaviourOffsets, actual.BehaviourOffsets);
        Assert.Equal(expected.BehaviourItems, actual.BehaviourItems);
        Assert.Equal(expected.ActiveItems, actual.ActiveItems);
        Assert.Equal(expected.ItemKeys, actual.ItemKeys);
        Assert.Equal(expected.SequenceItemFields, actual.SequenceItemFields);
        FieldsEqual(expected.UserFields, actual.UserFields);
        FieldsEqual(expected.ItemFields, actual.ItemFields);
    }

    private static void FieldsEqual(IReadOnlyList<CategoricalField> expected, IReadOnlyList<CategoricalField> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var f = 0; f < expected.Count; f++)
        {
            Assert.Equal(expected[f].Name, actual[f].Name);
            Assert.Equal(expected[f].VocabSize, actual[f].VocabSize);
            Assert.Equal(expected[f].Width, actual[f].Width);
            Assert.Equal(expected[f].Values, actual[f].Values);
            Assert.Equal(expected[f].Labels, actual[f].Labels);
        }
    }
}
