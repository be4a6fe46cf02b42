using System.Diagnostics;
using FitCluster.Training.Data;
using Xunit;

namespace FitCluster.Training.Tests.Data;

public sealed class SyntheticDatasetTests
{
    private const int Clusters = 10;
    private const int Facets = 6;
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
        Assert.Equal(17, genres.VocabSize); // 10 cluster genres + 6 facet tags + padding
        Assert.Equal(2, genres.Width);
        var year = log.ItemFields[1];
        Assert.Equal(1, year.Width);
        foreach (var field in log.ItemFields)
        {
            Assert.Equal(log.ItemVocabSize, field.EntityCount);
            Assert.All(field.Values.AsSpan(0, field.Width).ToArray(), v => Assert.Equal(0, v)); // padding row
            Assert.All(field.Values, v => Assert.InRange(v, 0, field.VocabSize - 1));
        }

        // Every item is one (cluster, facet) cell: genres = [cluster genre 1..10, facet tag 11..16]; the 60 cells
        // share the 1,000 items evenly (16 or 17 each).
        var cellSizes = new int[Clusters, Facets];
        for (var item = 1; item < log.ItemVocabSize; item++)
        {
            var row = genres.Values.AsSpan(item * genres.Width, genres.Width);
            Assert.InRange(row[0], 1, Clusters);
            Assert.InRange(row[1], Clusters + 1, Clusters + Facets);
            Assert.InRange(year.Values[item], 1, year.VocabSize - 1);
            cellSizes[row[0] - 1, row[1] - Clusters - 1]++;
        }

        Assert.All(cellSizes.Cast<int>(), size => Assert.InRange(size, 16, 17));
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
            FacetCount = 3,
            MinInterestsPerUser = 1,
            MaxInterestsPerUser = 1,
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
        var options = new SyntheticDatasetOptions
        {
            UserCount = 0,
            ItemCount = 50,
            MaxBehavioursPerUser = 60,
            FacetCount = 0,
            MaxInterestsPerUser = 11,
            FacetStayProbability = 1.5,
        };

        var error = Assert.Throws<ArgumentException>(() => SyntheticDataset.Generate(options));

        Assert.Contains("UserCount", error.Message, StringComparison.Ordinal);
        Assert.Contains("ItemCount (50) must exceed", error.Message, StringComparison.Ordinal);
        Assert.Contains("FacetCount must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxInterestsPerUser (11)", error.Message, StringComparison.Ordinal);
        Assert.Contains("FacetStayProbability", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_MoreCellsThanItems_Throws()
    {
        var options = new SyntheticDatasetOptions { ItemCount = 100, MaxBehavioursPerUser = 30, ClusterCount = 10, FacetCount = 11 };

        var error = Assert.Throws<ArgumentException>(() => SyntheticDataset.Generate(options));

        Assert.Contains("ClusterCount × FacetCount (110) must not exceed ItemCount (100)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_Defaults_NextFacetFollowsTheLatestBehaviourOfTheSameCluster()
    {
        // The story's history-dependent step, read back from the features alone: where the user has an earlier
        // behaviour in the item's cluster, the item usually has that behaviour's facet (0.85 + 0.15 / 6 ≈ 0.875, a bit
        // less where a cell ran out of unseen items); the latest behaviour of another cluster says little (≈ 1/6 plus
        // what the user's own habits add).
        var (sameCluster, otherCluster) = FacetAgreement(s_defaults.Value);

        Assert.InRange(sameCluster, 0.80, 0.90);
        Assert.InRange(otherCluster, 0.10, 0.35);
    }

    [Theory]
    [InlineData(0.0, 0.12, 0.22)] // facets drawn afresh every time: agreement by chance, 1/6
    [InlineData(1.0, 0.95, 1.0)] // facets never change, except where a cell runs out of unseen items
    public void Generate_FacetStayProbability_SetsHowOftenTheSameClusterFacetRepeats(double stay, double low, double high)
    {
        var log = SyntheticDataset.Generate(new SyntheticDatasetOptions { UserCount = 500, FacetStayProbability = stay });

        var (sameCluster, _) = FacetAgreement(log);

        Assert.InRange(sameCluster, low, high);
    }

    [Fact]
    public void Generate_Defaults_UsersHaveSeveralInterests()
    {
        // Multi-modal users: most have at least two clusters that each hold a fifth or more of their behaviours.
        var log = s_defaults.Value;
        var genres = log.ItemFields[0];
        var perCluster = new int[Clusters];
        var multiModal = 0;
        for (var u = 0; u < log.UserCount; u++)
        {
            Array.Clear(perCluster);
            var count = log.BehaviourCount(u);
            foreach (var item in log.BehaviourItems.AsSpan(log.BehaviourOffsets[u], count))
            {
                perCluster[ClusterOf(genres, item)]++;
            }

            multiModal += perCluster.Count(n => n >= 0.2 * count) >= 2 ? 1 : 0;
        }

        var share = (double)multiModal / log.UserCount;
        Assert.True(share > 0.7, $"only {share:P1} of users have two or more clusters with ≥ 20% of their behaviours");
    }

    [Fact]
    public void Generate_Defaults_SameClusterFacetsRankTheTestPositiveAboveWhatAveragedHistorySees()
    {
        // What the data rewards, torch-free, on the test pairs (the users' last behaviour against a never-seen item).
        // Both scorers estimate P(cluster) from the history's cluster counts; "bag" estimates P(facet) from the facet
        // counts of the whole history (all an average of the history keeps), "bound" from the facet counts of the
        // behaviours in the target's cluster (what attention conditioned on the target's cluster can pool).
        var log = s_defaults.Value;
        var test = SampleBuilder.Build(log, new SampleBuilderOptions()).Test;
        var genres = log.ItemFields[0];
        var clusterCounts = new double[Clusters];
        var facetCounts = new double[Facets];
        var cellCounts = new double[Clusters, Facets];
        var (bagWins, boundWins) = (0.0, 0.0);
        for (var i = 0; i < test.Count; i += 2)
        {
            Array.Clear(clusterCounts);
            Array.Clear(facetCounts);
            Array.Clear(cellCounts);
            var user = test.User[i];
            var history = test.Position[i] - log.BehaviourOffsets[user];
            foreach (var item in log.BehaviourItems.AsSpan(log.BehaviourOffsets[user], history))
            {
                clusterCounts[ClusterOf(genres, item)]++;
                facetCounts[FacetOf(genres, item)]++;
                cellCounts[ClusterOf(genres, item), FacetOf(genres, item)]++;
            }

            double Cluster(int item) => (clusterCounts[ClusterOf(genres, item)] + 1) / (history + Clusters);
            double Bag(int item) => Cluster(item) * (facetCounts[FacetOf(genres, item)] + 1) / (history + Facets);
            double Bound(int item) =>
                Cluster(item) * (cellCounts[ClusterOf(genres, item), FacetOf(genres, item)] + 1) / (clusterCounts[ClusterOf(genres, item)] + Facets);

            var (positive, negative) = (test.Item[i], test.Item[i + 1]);
            bagWins += Win(Bag(positive), Bag(negative));
            boundWins += Win(Bound(positive), Bound(negative));
        }

        var pairs = test.Count / 2;
        var (bag, bound) = (bagWins / pairs, boundWins / pairs);
        Assert.True(bag > 0.7, $"the bag-of-history scorer should still rank well (clusters carry signal), got {bag:P1}");
        Assert.True(bound - bag > 0.04, $"same-cluster facets should rank clearly better than the bag of facets: bound {bound:P1}, bag {bag:P1}");
    }

    /// <summary>
    /// Over every behaviour after a user's first: how often its facet equals that of the latest earlier behaviour of
    /// the same cluster, and how often that of the latest earlier behaviour of another cluster (each where there is one).
    /// </summary>
    private static (double SameCluster, double OtherCluster) FacetAgreement(InteractionLog log)
    {
        var genres = log.ItemFields[0];
        var (same, sameCount, other, otherCount) = (0, 0, 0, 0);
        for (var u = 0; u < log.UserCount; u++)
        {
            var sequence = log.BehaviourItems.AsSpan(log.BehaviourOffsets[u], log.BehaviourCount(u));
            for (var t = 1; t < sequence.Length; t++)
            {
                var cluster = ClusterOf(genres, sequence[t]);
                var facet = FacetOf(genres, sequence[t]);
                int? sameFacet = null;
                int? otherFacet = null;
                for (var p = t - 1; p >= 0 && (sameFacet is null || otherFacet is null); p--)
                {
                    if (ClusterOf(genres, sequence[p]) == cluster)
                    {
                        sameFacet ??= FacetOf(genres, sequence[p]);
                    }
                    else
                    {
                        otherFacet ??= FacetOf(genres, sequence[p]);
                    }
                }

                if (sameFacet is { } s)
                {
                    sameCount++;
                    same += s == facet ? 1 : 0;
                }

                if (otherFacet is { } o)
                {
                    otherCount++;
                    other += o == facet ? 1 : 0;
                }
            }
        }

        return ((double)same / sameCount, (double)other / otherCount);
    }

    // The story's encoding of genres, written out here (not taken from the generator): value 1..10 is the cluster,
    // 11..16 the facet, in that order.
    private static int ClusterOf(CategoricalField genres, int item) => genres.Values[item * genres.Width] - 1;

    private static int FacetOf(CategoricalField genres, int item) => genres.Values[(item * genres.Width) + 1] - Clusters - 1;

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
