using System.Diagnostics;
using FitCluster.Training.Data;
using Xunit;

namespace FitCluster.Training.Tests.Data;

public sealed class SyntheticDatasetTests
{
    private static readonly Lazy<InteractionLog> s_defaults = new(() => SyntheticDataset.Generate(new SyntheticDatasetOptions()));

    [Fact]
    public void Generate_SameSeed_GivesIdenticalLog()
    {
        var first = SyntheticDataset.Generate(new SyntheticDatasetOptions());
        var second = SyntheticDataset.Generate(new SyntheticDatasetOptions());

        Assert.Equal(first.BehaviourOffsets, second.BehaviourOffsets);
        Assert.Equal(first.BehaviourItems, second.BehaviourItems);
        Assert.Equal(first.ActiveItems, second.ActiveItems);
        foreach (var (a, b) in first.UserFields.Zip(second.UserFields).Concat(first.ItemFields.Zip(second.ItemFields)))
        {
            Assert.Equal(a.Name, b.Name);
            Assert.Equal(a.VocabSize, b.VocabSize);
            Assert.Equal(a.Width, b.Width);
            Assert.Equal(a.Values, b.Values);
        }
    }

    [Fact]
    public void Generate_OtherSeed_GivesOtherData()
    {
        var first = SyntheticDataset.Generate(new SyntheticDatasetOptions());
        var other = SyntheticDataset.Generate(new SyntheticDatasetOptions { Seed = 8 });

        Assert.NotEqual(first.BehaviourItems, other.BehaviourItems);
        Assert.NotEqual(first.ItemFields[0].Values, other.ItemFields[0].Values);
    }

    [Fact]
    public void Generate_Defaults_HasTheMovieLensShape()
    {
        var log = s_defaults.Value;

        Assert.Equal("synthetic", log.Name);
        Assert.Equal(2_000, log.UserCount);
        Assert.Equal(1_001, log.ItemVocabSize);
        Assert.Equal(["user_id", "gender", "age", "occupation", "zip_prefix"], log.UserFields.Select(f => f.Name));
        Assert.Equal(["genres", "year"], log.ItemFields.Select(f => f.Name));
        Assert.Equal(["genres"], log.SequenceItemFields);
        Assert.Equal(Enumerable.Range(1, 2_000), log.UserFields[0].Values);
        Assert.Equal(2_001, log.UserFields[0].VocabSize);
        foreach (var field in log.UserFields)
        {
            Assert.Equal(1, field.Width);
            Assert.Equal(log.UserCount, field.EntityCount);
            Assert.All(field.Values, v => Assert.InRange(v, 1, field.VocabSize - 1));
        }

        var genres = log.ItemFields[0];
        Assert.Equal(13, genres.VocabSize);
        Assert.Equal(3, genres.Width);
        var year = log.ItemFields[1];
        Assert.Equal(1, year.Width);
        foreach (var field in log.ItemFields)
        {
            Assert.Equal(log.ItemVocabSize, field.EntityCount);
            Assert.All(field.Values.AsSpan(0, field.Width).ToArray(), v => Assert.Equal(0, v)); // padding row
            Assert.All(field.Values, v => Assert.InRange(v, 0, field.VocabSize - 1));
        }

        for (var item = 1; item < log.ItemVocabSize; item++)
        {
            var row = genres.Values.AsSpan(item * genres.Width, genres.Width);
            var count = row.Length - row.Count(0);
            Assert.InRange(count, 1, 3);
            Assert.True(row[count..].IndexOfAnyExcept(0) < 0, $"item {item}: genres are not left-aligned");
            Assert.Equal(count, row[..count].ToArray().Distinct().Count());
            Assert.InRange(year.Values[item], 1, year.VocabSize - 1);
        }
    }

    [Fact]
    public void Generate_Defaults_BehavioursAreValidCsr()
    {
        var log = s_defaults.Value;

        Assert.Equal(log.UserCount + 1, log.BehaviourOffsets.Length);
        Assert.Equal(0, log.BehaviourOffsets[0]);
        Assert.Equal(log.BehaviourItems.Length, log.BehaviourOffsets[^1]);
        for (var u = 0; u < log.UserCount; u++)
        {
            Assert.InRange(log.BehaviourCount(u), 20, 80);
            var sequence = log.BehaviourItems.AsSpan(log.BehaviourOffsets[u], log.BehaviourCount(u)).ToArray();
            Assert.Equal(sequence.Length, sequence.Distinct().Count());
        }

        Assert.All(log.BehaviourItems, item => Assert.InRange(item, 1, log.ItemVocabSize - 1));
        Assert.Equal(log.BehaviourItems.Distinct().Order(), log.ActiveItems);
    }

    [Fact]
    public void Generate_Defaults_HistoryGenresRankTheTestPositiveAboveTheNegative()
    {
        // Torch-free learnability check: score an item by how often its genres occur in the user's own history.
        var log = s_defaults.Value;
        var test = SampleBuilder.Build(log, new SampleBuilderOptions()).Test;
        var genres = log.ItemFields[0];
        var frequency = new double[genres.VocabSize];

        var wins = 0.0;
        for (var i = 0; i < test.Count; i += 2)
        {
            Array.Clear(frequency);
            var user = test.User[i];
            for (var p = log.BehaviourOffsets[user]; p < test.Position[i]; p++)
            {
                foreach (var genre in GenresOf(genres, log.BehaviourItems[p]))
                {
                    frequency[genre]++;
                }
            }

            wins += Win(Score(frequency, GenresOf(genres, test.Item[i])), Score(frequency, GenresOf(genres, test.Item[i + 1])));
        }

        var accuracy = wins / (test.Count / 2);
        Assert.True(accuracy > 0.7, $"history genre scorer ranks the positive first for only {accuracy:P1} of users");
    }

    [Fact]
    public void Generate_Defaults_DemographicGenresRankTheTestPositiveAboveTheNegative()
    {
        // The user features alone carry signal: genre frequencies pooled over all users of the same (gender, age).
        var log = s_defaults.Value;
        var test = SampleBuilder.Build(log, new SampleBuilderOptions()).Test;
        var genres = log.ItemFields[0];
        var gender = log.UserFields[1].Values;
        var age = log.UserFields[2].Values;
        var frequency = new double[log.UserFields[1].VocabSize, log.UserFields[2].VocabSize, genres.VocabSize];
        for (var i = 0; i < test.Count; i += 2)
        {
            var user = test.User[i];
            for (var p = log.BehaviourOffsets[user]; p < test.Position[i]; p++)
            {
                foreach (var genre in GenresOf(genres, log.BehaviourItems[p]))
                {
                    frequency[gender[user], age[user], genre]++;
                }
            }
        }

        var wins = 0.0;
        var groupFrequency = new double[genres.VocabSize];
        for (var i = 0; i < test.Count; i += 2)
        {
            var user = test.User[i];
            for (var g = 0; g < groupFrequency.Length; g++)
            {
                groupFrequency[g] = frequency[gender[user], age[user], g];
            }

            wins += Win(Score(groupFrequency, GenresOf(genres, test.Item[i])), Score(groupFrequency, GenresOf(genres, test.Item[i + 1])));
        }

        var accuracy = wins / (test.Count / 2);
        Assert.True(accuracy > 0.6, $"demographic genre scorer ranks the positive first for only {accuracy:P1} of users");
    }

    [Fact]
    public void Generate_TightCatalogue_StillGivesDistinctItemsPerUser()
    {
        var options = new SyntheticDatasetOptions
        {
            UserCount = 50,
            ItemCount = 12,
            MinBehavioursPerUser = 11,
            MaxBehavioursPerUser = 11,
            ClusterCount = 1,
            GenreCount = 3,
        };

        var log = SyntheticDataset.Generate(options);

        for (var u = 0; u < log.UserCount; u++)
        {
            Assert.Equal(11, log.BehaviourItems.AsSpan(log.BehaviourOffsets[u], 11).ToArray().Distinct().Count());
        }

        var splits = SampleBuilder.Build(log, new SampleBuilderOptions());
        Assert.Equal(100, splits.Test.Count);
    }

    [Fact]
    public void Generate_InvalidOptions_ThrowsListingEveryProblem()
    {
        var options = new SyntheticDatasetOptions { UserCount = 0, ItemCount = 50, MaxBehavioursPerUser = 60, GenreCount = 2 };

        var error = Assert.Throws<ArgumentException>(() => SyntheticDataset.Generate(options));

        Assert.Contains("UserCount", error.Message, StringComparison.Ordinal);
        Assert.Contains("ItemCount", error.Message, StringComparison.Ordinal);
        Assert.Contains("GenreCount", error.Message, StringComparison.Ordinal);
    }

    private static int[] GenresOf(CategoricalField genres, int item)
    {
        var row = genres.Values.AsSpan(item * genres.Width, genres.Width);
        var count = row.IndexOf(0);
        return row[..(count < 0 ? row.Length : count)].ToArray();
    }

    private static double Score(double[] frequency, int[] itemGenres)
    {
        var sum = 0.0;
        foreach (var genre in itemGenres)
        {
            sum += frequency[genre];
        }

        return sum / itemGenres.Length;
    }

    private static double Win(double positive, double negative) => positive > negative ? 1 : positive == negative ? 0.5 : 0;
}
