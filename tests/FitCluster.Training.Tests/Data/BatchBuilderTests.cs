using FitCluster.Training.Data;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Data;

public sealed class BatchBuilderTests
{
    // Two users: user 0 rated items 1, 2, 3, 4 (in that order), user 1 rated 5, 2.
    private static SampleSplits Splits(int maxSequenceLength) => new(
        new InteractionLog
        {
            Name = "tiny",
            UserCount = 2,
            UserFields = [new CategoricalField("user_id", 3, 1, [1, 2]), new CategoricalField("gender", 3, 1, [2, 1])],
            ItemVocabSize = 6,
            ItemFields = [],
            SequenceItemFields = [],
            BehaviourOffsets = [0, 4, 6],
            BehaviourItems = [1, 2, 3, 4, 5, 2],
            ActiveItems = [1, 2, 3, 4, 5],
        },
        Train: new SampleSet(user: [0, 0, 1], position: [3, 1, 5], item: [4, 5, 2], label: [1, 0, 1]),
        Validation: new SampleSet([], [], [], []),
        Test: new SampleSet([], [], [], []),
        maxSequenceLength);

    [Fact]
    public void Build_Samples_HistoryIsPrecedingBehavioursRightPadded()
    {
        var splits = Splits(maxSequenceLength: 4);
        var builder = new BatchBuilder(splits, capacity: 4);
        var (input, labels) = builder.Build(splits.Train, [0, 1, 2]);
        Assert.Equal([3L, 4], input.Sequence.shape);
        Assert.Equal(new long[] { 1, 2, 3, 0, 1, 0, 0, 0, 5, 0, 0, 0 }, input.Sequence.data<long>().ToArray());
        Assert.Equal(new long[] { 4, 5, 2 }, input.Item.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 2, 1, 2, 2, 1 }, input.UserFields.data<long>().ToArray());
        Assert.Equal(new float[] { 1, 0, 1 }, Values(labels));
    }

    [Fact]
    public void Build_LongHistory_KeepsLatestBehaviours()
    {
        var splits = Splits(maxSequenceLength: 2);
        var builder = new BatchBuilder(splits, capacity: 2);
        var (input, _) = builder.Build(splits.Train, [0]);
        Assert.Equal(new long[] { 2, 3 }, input.Sequence.data<long>().ToArray()); // target 4's history 1, 2, 3 truncated to the latest 2
    }

    [Fact]
    public void Build_ReusedBuffers_NoStaleHistory()
    {
        var splits = Splits(maxSequenceLength: 4);
        var builder = new BatchBuilder(splits, capacity: 2);
        builder.Build(splits.Train, [0, 2]);
        var (input, _) = builder.Build(splits.Train, [1, 2]);
        Assert.Equal(new long[] { 1, 0, 0, 0, 5, 0, 0, 0 }, input.Sequence.data<long>().ToArray());
    }

    [Fact]
    public void Build_OverCapacity_Throws()
    {
        var splits = Splits(maxSequenceLength: 4);
        var builder = new BatchBuilder(splits, capacity: 2);
        Assert.Throws<ArgumentException>(() => builder.Build(splits.Train, [0, 1, 2]));
    }
}
