using System.Diagnostics;
using FitCluster.Training.Data;
using Xunit;

namespace FitCluster.Training.Tests.Data;

public sealed class SampleBuilderTests
{
    private static readonly SampleBuilderOptions s_noValidation = new() { ValidationFraction = 0 };

    private static readonly Lazy<SampleSplits> s_movieLens1M =
        new(() => SampleBuilder.Build(TestData.MovieLens1M(), new SampleBuilderOptions()), LazyThreadSafetyMode.ExecutionAndPublication);

    [Fact]
    public void Build_TinyLog_EnumeratesEveryPositionExactly()
    {
        var log = TinyLog();

        var splits = SampleBuilder.Build(log, s_noValidation);

        // User 0: [1 2 3 4] -> train T=2,3 (positions 1, 2), test T=4 (position 3). User 1 has one behaviour: nothing.
        // User 2: [2 6 1] (positions 5..7) -> train T=2 (position 6), test T=3 (position 7).
        AssertSamples(splits.Train, users: [0, 0, 0, 0, 2, 2], positions: [1, 1, 2, 2, 6, 6], positives: [2, 3, 6]);
        AssertSamples(splits.Test, users: [0, 0, 2, 2], positions: [3, 3, 7, 7], positives: [4, 1]);
        Assert.Equal(0, splits.Validation.Count);
        Assert.Same(log, splits.Log);
        Assert.Equal(SampleBuilderOptions.DefaultMaxSequenceLength, splits.MaxSequenceLength);

        // Negatives are active items the user never has: user 0 -> {5, 6}, user 2 -> {3, 4, 5}.
        foreach (var set in new[] { splits.Train, splits.Test })
        {
            for (var i = 1; i < set.Count; i += 2)
            {
                Assert.Contains(set.Item[i], set.User[i] == 0 ? new[] { 5, 6 } : [3, 4, 5]);
            }
        }
    }

    [Fact]
    public void Build_ValidationFraction_MovesWholePositionsAndKeepsOrder()
    {
        var log = TinyLog();

        var splits = SampleBuilder.Build(log, new SampleBuilderOptions { ValidationFraction = 0.5 });

        // 3 train positions; round(1.5) = 2 move to validation, both samples of each together.
        Assert.Equal(2, splits.Train.Count);
        Assert.Equal(4, splits.Validation.Count);
        var all = new List<(int User, int Position, int Item, float Label)>();
        foreach (var set in new[] { splits.Train, splits.Validation })
        {
            AssertPairedAndOrdered(set);
            for (var i = 0; i < set.Count; i++)
            {
                all.Add((set.User[i], set.Position[i], set.Item[i], set.Label[i]));
            }
        }

        var reference = SampleBuilder.Build(log, s_noValidation).Train;
        var expected = Enumerable.Range(0, reference.Count)
            .Select(i => (reference.User[i], reference.Position[i], reference.Item[i], reference.Label[i]));
        Assert.Equal(expected.Order(), all.Order());
    }

    [Fact]
    public void History_MaxSequenceLength_KeepsTheLatestBehavioursBeforeThePosition()
    {
        var log = TinyLog();

        // The history of position p is b_max(1, T-L)..b_{T-1}: strictly before p, latest L, oldest first.
        Assert.Equal([1, 2, 3], SampleBuilder.History(log, 0, 3, 50).ToArray());
        Assert.Equal([2, 3], SampleBuilder.History(log, 0, 3, 2).ToArray());
        Assert.Equal([3], SampleBuilder.History(log, 0, 3, 1).ToArray());
        Assert.Equal([1], SampleBuilder.History(log, 0, 1, 2).ToArray());
        Assert.Equal([2, 6], SampleBuilder.History(log, 2, 7, 3).ToArray());
        Assert.True(SampleBuilder.History(log, 0, 0, 50).IsEmpty);
        Assert.Equal([1, 2, 3, 4], SampleBuilder.History(log, 0, 4, 50).ToArray()); // the end: after every behaviour
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleBuilder.History(log, 0, 5, 50).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleBuilder.History(log, 2, 4, 50).ToArray());
    }

    [Fact]
    public void Build_MaxSequenceLength_IsCarriedToTheSplits()
    {
        var splits = SampleBuilder.Build(TinyLog(), s_noValidation with { MaxSequenceLength = 2 });

        Assert.Equal(2, splits.MaxSequenceLength);
        Assert.Equal([2, 3], SampleBuilder.History(splits.Log, splits.Test.User[0], splits.Test.Position[0], splits.MaxSequenceLength).ToArray());
        Assert.Equal([2, 6], SampleBuilder.History(splits.Log, splits.Test.User[2], splits.Test.Position[2], splits.MaxSequenceLength).ToArray());
    }

    [Fact]
    public void Build_MaxUsers_KeepsOnlyTheFirstUsers()
    {
        var log = TinyLog();

        var first = SampleBuilder.Build(log, s_noValidation with { MaxUsers = 1 });
        var none = SampleBuilder.Build(log, s_noValidation with { MaxUsers = 0 });
        var beyond = SampleBuilder.Build(log, s_noValidation with { MaxUsers = 100 });

        AssertSamples(first.Train, users: [0, 0, 0, 0], positions: [1, 1, 2, 2], positives: [2, 3]);
        AssertSamples(first.Test, users: [0, 0], positions: [3, 3], positives: [4]);
        Assert.Equal(0, none.Train.Count + none.Validation.Count + none.Test.Count);
        Assert.Equal(6, beyond.Train.Count);
        Assert.Equal(4, beyond.Test.Count);
    }

    [Fact]
    public void Build_UserRatedEveryActiveItem_Throws()
    {
        var log = Log(itemVocabSize: 4, activeItems: [1, 2, 3], [2, 1, 3], [1, 2]);

        var error = Assert.Throws<InvalidOperationException>(() => SampleBuilder.Build(log, new SampleBuilderOptions()));

        Assert.Contains("User index 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("no negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UserRatedAllButOneActiveItem_AlwaysDrawsThatItem()
    {
        var log = Log(itemVocabSize: 6, activeItems: [1, 2, 3, 4, 5], [5, 1, 3, 2], [4, 5]);

        var splits = SampleBuilder.Build(log, s_noValidation);

        Assert.All(Negatives(splits.Train).Concat(Negatives(splits.Test)).Where(n => n.User == 0), n => Assert.Equal(4, n.Item));
    }

    [Theory]
    [InlineData(0, 0.2, null)]
    [InlineData(50, 1.0, null)]
    [InlineData(50, -0.1, null)]
    [InlineData(50, 0.2, -1)]
    public void Build_InvalidOptions_Throws(int maxSequenceLength, double validationFraction, int? maxUsers)
    {
        var options = new SampleBuilderOptions
        {
            MaxSequenceLength = maxSequenceLength,
            ValidationFraction = validationFraction,
            MaxUsers = maxUsers,
        };

        Assert.Throws<ArgumentException>(() => SampleBuilder.Build(TinyLog(), options));
    }

    [Fact]
    public void Build_SameOptions_GivesIdenticalArraysAndAnotherSeedOtherNegatives()
    {
        var log = SyntheticDataset.Generate(new SyntheticDatasetOptions { UserCount = 200 });

        var first = SampleBuilder.Build(log, new SampleBuilderOptions());
        var second = SampleBuilder.Build(log, new SampleBuilderOptions());
        var otherSeed = SampleBuilder.Build(log, new SampleBuilderOptions { Seed = 1 });

        AssertIdentical(first, second);
        Assert.Equal(first.Test.Position, otherSeed.Test.Position);
        Assert.NotEqual(first.Test.Item, otherSeed.Test.Item);
        Assert.NotEqual(first.Validation.Position, otherSeed.Validation.Position);
    }

    [Fact]
    [Trait("Category", TestData.RealDataCategory)]
    public void Build_RealMovieLens1M_HasOneTestPairPerUserAndEveryOtherPositionInTrainOrValidation()
    {
        var log = TestData.MovieLens1M();
        var splits = s_movieLens1M.Value;

        Assert.Equal(2 * 6_040, splits.Test.Count);
        Assert.Equal(1_000_209 - (2 * 6_040), (splits.Train.Count + splits.Validation.Count) / 2);
        Assert.Equal(log.UserCount, splits.Test.User.Distinct().Count());
        AssertPairedAndOrdered(splits.Train);
        AssertPairedAndOrdered(splits.Validation);
        AssertPairedAndOrdered(splits.Test);

        var validationShare = (double)splits.Validation.Count / (splits.Train.Count + splits.Validation.Count);
        Assert.InRange(validationShare, 0.195, 0.205);
    }

    [Fact]
    [Trait("Category", TestData.RealDataCategory)]
    public void Build_RealMovieLens1M_NeverUsesARatedItemAsNegative()
    {
        var log = TestData.MovieLens1M();
        var splits = s_movieLens1M.Value;
        var rated = new HashSet<long>(); // key user * ItemVocabSize + item: distinct hash codes, unlike (user << 32) | item
        for (var u = 0; u < log.UserCount; u++)
        {
            for (var p = log.BehaviourOffsets[u]; p < log.BehaviourOffsets[u + 1]; p++)
            {
                rated.Add(((long)u * log.ItemVocabSize) + log.BehaviourItems[p]);
            }
        }

        var active = log.ActiveItems.ToHashSet();
        var violations = new List<string>();
        foreach (var set in new[] { splits.Train, splits.Validation, splits.Test })
        {
            for (var i = 0; i < set.Count; i++)
            {
                var isRated = rated.Contains(((long)set.User[i] * log.ItemVocabSize) + set.Item[i]);
                var isValid = set.Label[i] == 1f ? isRated : !isRated && active.Contains(set.Item[i]);
                if (!isValid)
                {
                    violations.Add($"user {set.User[i]} item {set.Item[i]} label {set.Label[i]}");
                }
            }
        }

        Assert.Empty(violations);
    }

    [Fact]
    [Trait("Category", TestData.RealDataCategory)]
    public void Build_RealMovieLens1M_TestBehaviourNeverLeaksIntoTrainOrValidation()
    {
        var log = TestData.MovieLens1M();
        var splits = s_movieLens1M.Value;
        var testPosition = new int[log.UserCount];
        var testItem = new int[log.UserCount];
        for (var i = 0; i < splits.Test.Count; i += 2)
        {
            testPosition[splits.Test.User[i]] = splits.Test.Position[i];
            testItem[splits.Test.User[i]] = splits.Test.Item[i];
            Assert.Equal(log.BehaviourOffsets[splits.Test.User[i] + 1] - 1, splits.Test.Position[i]);
        }

        foreach (var set in new[] { splits.Train, splits.Validation })
        {
            for (var i = 0; i < set.Count; i++)
            {
                var user = set.User[i];
                Assert.True(set.Position[i] < testPosition[user], $"sample {i} of user {user} is at or after the test position");
                var history = SampleBuilder.History(log, user, set.Position[i], splits.MaxSequenceLength);
                Assert.True(history.Length is > 0 and <= 50);
                Assert.False(history.Contains(testItem[user]), $"sample {i} of user {user} sees the test item");
            }
        }
    }

    [Fact]
    [Trait("Category", TestData.RealDataCategory)]
    public void Build_RealMovieLens1M_IsReproducibleAndSeeded()
    {
        var log = TestData.MovieLens1M();
        var again = SampleBuilder.Build(log, new SampleBuilderOptions());
        var otherSeed = SampleBuilder.Build(log, new SampleBuilderOptions { Seed = 7 });

        AssertIdentical(s_movieLens1M.Value, again);
        Assert.Equal(again.Test.Position, otherSeed.Test.Position);
        Assert.NotEqual(again.Test.Item, otherSeed.Test.Item);
    }

    /// <summary>Users [1 2 3 4], [5], [2 6 1] over items 1..6, all active.</summary>
    private static InteractionLog TinyLog() => Log(itemVocabSize: 7, activeItems: [1, 2, 3, 4, 5, 6], [1, 2, 3, 4], [5], [2, 6, 1]);

    private static InteractionLog Log(int itemVocabSize, int[] activeItems, params int[][] sequences)
    {
        var offsets = new int[sequences.Length + 1];
        for (var u = 0; u < sequences.Length; u++)
        {
            offsets[u + 1] = offsets[u] + sequences[u].Length;
        }

        return new InteractionLog
        {
            Name = "tiny",
            UserCount = sequences.Length,
            UserFields = [new CategoricalField("user_id", sequences.Length + 1, 1, [.. Enumerable.Range(1, sequences.Length)])],
            ItemVocabSize = itemVocabSize,
            ItemFields = [],
            SequenceItemFields = [],
            BehaviourOffsets = offsets,
            BehaviourItems = [.. sequences.SelectMany(s => s)],
            ActiveItems = activeItems,
        };
    }

    private static void AssertSamples(SampleSet set, int[] users, int[] positions, int[] positives)
    {
        Assert.Equal(users, set.User);
        Assert.Equal(positions, set.Position);
        Assert.Equal(Enumerable.Repeat(new[] { 1f, 0f }, users.Length / 2).SelectMany(l => l), set.Label);
        Assert.Equal(positives, Enumerable.Range(0, set.Count / 2).Select(i => set.Item[2 * i]));
    }

    /// <summary>Samples come in (positive, negative) pairs of one position, ordered by (user, position).</summary>
    private static void AssertPairedAndOrdered(SampleSet set)
    {
        Assert.Equal(0, set.Count % 2);
        for (var i = 0; i < set.Count; i += 2)
        {
            Assert.Equal(1f, set.Label[i]);
            Assert.Equal(0f, set.Label[i + 1]);
            Assert.Equal(set.User[i], set.User[i + 1]);
            Assert.Equal(set.Position[i], set.Position[i + 1]);
            if (i > 0)
            {
                Assert.True(
                    set.User[i] > set.User[i - 2] || (set.User[i] == set.User[i - 2] && set.Position[i] > set.Position[i - 2]),
                    $"pair {i / 2} is out of (user, position) order");
            }
        }
    }

    private static IEnumerable<(int User, int Item)> Negatives(SampleSet set) =>
        Enumerable.Range(0, set.Count).Where(i => set.Label[i] == 0f).Select(i => (set.User[i], set.Item[i]));

    private static void AssertIdentical(SampleSplits expected, SampleSplits actual)
    {
        foreach (var (e, a) in new[] { (expected.Train, actual.Train), (expected.Validation, actual.Validation), (expected.Test, actual.Test) })
        {
            Assert.Equal(e.User, a.User);
            Assert.Equal(e.Position, a.Position);
            Assert.Equal(e.Item, a.Item);
            Assert.Equal(e.Label, a.Label);
        }
    }
}
