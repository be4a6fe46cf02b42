namespace FitCluster.Training.Data;

/// <summary>
/// A built-in, fully SYNTHETIC dataset with the shape of MovieLens-1M and a documented generative story in which what a
/// user does next depends on how the item relates to the user's history in the same cluster: the situation that
/// target-aware early interaction (FIT's Meta Query Module + DIN attention) exists for. For tests, demos and machines
/// without the real data; it is not MovieLens and says nothing about real users.
/// </summary>
/// <remarks>
/// <para>Shape: user fields <c>user_id</c>, <c>gender</c> (2 values), <c>age</c> (7), <c>occupation</c> (21),
/// <c>zip_prefix</c> (10); item fields <c>genres</c> (2 values per item) and <c>year</c> (20 release years);
/// <see cref="InteractionLog.SequenceItemFields"/> = <c>["genres"]</c>. No user has the same item twice.</para>
/// <para>Generative story (C = <see cref="SyntheticDatasetOptions.ClusterCount"/>, M =
/// <see cref="SyntheticDatasetOptions.FacetCount"/>):</para>
/// <list type="number">
/// <item><b>Items.</b> Every item is one (cluster, facet) cell of C × M, dealt round-robin over a shuffled catalogue.
/// Its <c>genres</c> are exactly its cluster's genre (value 1..C) and its facet's tag (value C+1..C+M). Facet tags are
/// shared by all clusters (facet 2 of cluster 0 and facet 2 of cluster 5 have the same tag), so a tag means something
/// only together with the cluster. <c>year</c> is the cluster's typical release year ±3. Inside a cell, popularity
/// follows Zipf (weight 1/rank).</item>
/// <item><b>Users.</b> Each user is interested in 2–4 distinct clusters
/// (<see cref="SyntheticDatasetOptions.MinInterestsPerUser"/>..<see cref="SyntheticDatasetOptions.MaxInterestsPerUser"/>),
/// with weights 1 for the first and uniform in [0.3, 1) for the others. For 80% of users the first cluster is a
/// function of (gender, age), so user features carry signal.</item>
/// <item><b>Which cluster next.</b> With probability 0.5 the cluster of one of the user's last 3 behaviours; otherwise,
/// with probability 0.05 any cluster (exploration), else one of the user's interests by weight.</item>
/// <item><b>Which facet next: the part that depends on the history.</b> If the user has a behaviour in that cluster
/// already, the facet of the <em>latest</em> one is kept with probability
/// <see cref="SyntheticDatasetOptions.FacetStayProbability"/> (0.85); otherwise (or on a first visit) a facet is drawn
/// uniformly. So within a cluster a user follows one facet at a time and now and then moves on to another.</item>
/// <item><b>Which item.</b> By Zipf inside the chosen cell, never one the user already has (after 16 draws, the first
/// unseen item of the cluster's cells, then of the catalogue).</item>
/// </list>
/// <para>What this rewards. Under the paper's protocol the positive is the next behaviour and the negative a uniformly
/// drawn item the user never had, so a model wins by telling which cluster the user engages with (the cluster counts of
/// the history and the user features show that) and — the part the story is built around — which facet the user
/// follows <em>in the target's cluster</em>: the facet of the same-cluster behaviours in the history, not the facets of
/// the whole history. An average-pooled history (Two-Tower, FIT eq. 18) holds the clusters and the facets as two bags
/// and loses which facet goes with which cluster, so a user with (A, x) and (B, y) looks like one with (A, y) and
/// (B, x); attention over the behaviours conditioned on the target's meta query (FIT, eq. 19) can pool the target's own
/// cluster. The story is deliberately chosen to show that difference; it says nothing about whether real data has it.</para>
/// <para>Deterministic for a given <see cref="SyntheticDatasetOptions"/> (one <see cref="Random"/> seeded by
/// <see cref="SyntheticDatasetOptions.Seed"/>, no shared state, so also thread-safe).</para>
/// </remarks>
public static class SyntheticDataset
{
    /// <summary>Dataset name given to the generated log.</summary>
    public const string DatasetName = "synthetic";

    private const int GenderCount = 2;
    private const int AgeCount = 7;
    private const int OccupationCount = 21;
    private const int ZipPrefixCount = 10;
    private const int YearCount = 20;
    private const int YearSpread = 3;
    private const int GenresPerItem = 2;
    private const double MaleProbability = 0.7;
    private const double DemographicFavouriteProbability = 0.8;
    private const double MinSecondaryInterestWeight = 0.3;
    private const double ExploreProbability = 0.05;
    private const double HistoryDriftProbability = 0.5;
    private const int RecentWindow = 3;
    private const int DrawAttempts = 16;

    /// <summary>Running share of the age groups "Under 18" .. "56+" (roughly ML-1M's: 4, 18, 35, 20, 9, 8, 6 %).</summary>
    private static ReadOnlySpan<double> AgeCumulativeShare => [0.04, 0.22, 0.57, 0.77, 0.86, 0.94, 1.0];

    /// <summary>Generates the dataset described by <paramref name="options"/>.</summary>
    /// <param name="options">Sizes, story parameters and seed.</param>
    /// <returns>The interaction log named <c>synthetic</c>.</returns>
    /// <exception cref="ArgumentException">The options are inconsistent (every problem is listed).</exception>
    public static InteractionLog Generate(SyntheticDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);

        var rng = new Random(options.Seed);
        var catalogue = GenerateCatalogue(options, rng, out var genres, out var years);
        var userFields = GenerateUsers(options, rng, out var gender, out var age);
        var (offsets, behaviourItems) = GenerateBehaviours(options, rng, catalogue, gender, age);

        return new InteractionLog
        {
            Name = DatasetName,
            UserCount = options.UserCount,
            UserFields = userFields,
            ItemVocabSize = options.ItemCount + 1,
            ItemFields = [genres, years],
            SequenceItemFields = [genres.Name],
            BehaviourOffsets = offsets,
            BehaviourItems = behaviourItems,
            ActiveItems = InteractionLog.DistinctItems(behaviourItems, options.ItemCount + 1),
        };
    }

    private static void Validate(SyntheticDatasetOptions options)
    {
        var failures = new List<string>();
        if (options.UserCount < 1)
        {
            failures.Add($"UserCount must be at least 1 (got {options.UserCount}).");
        }

        if (options.MinBehavioursPerUser < 2)
        {
            failures.Add($"MinBehavioursPerUser must be at least 2 (got {options.MinBehavioursPerUser}).");
        }

        if (options.MaxBehavioursPerUser < options.MinBehavioursPerUser)
        {
            failures.Add(
                $"MaxBehavioursPerUser ({options.MaxBehavioursPerUser}) must be at least MinBehavioursPerUser ({options.MinBehavioursPerUser}).");
        }

        if (options.ItemCount <= options.MaxBehavioursPerUser)
        {
            failures.Add(
                $"ItemCount ({options.ItemCount}) must exceed MaxBehavioursPerUser ({options.MaxBehavioursPerUser}) so every user leaves a negative.");
        }

        if (options.ClusterCount < 1)
        {
            failures.Add($"ClusterCount must be at least 1 (got {options.ClusterCount}).");
        }

        if (options.FacetCount < 1)
        {
            failures.Add($"FacetCount must be at least 1 (got {options.FacetCount}).");
        }

        if (options.ClusterCount >= 1 && options.FacetCount >= 1 && (long)options.ClusterCount * options.FacetCount > options.ItemCount)
        {
            failures.Add(
                $"ClusterCount × FacetCount ({(long)options.ClusterCount * options.FacetCount}) must not exceed ItemCount ({options.ItemCount}) so every (cluster, facet) cell has an item.");
        }

        if (options.MinInterestsPerUser < 1 || options.MinInterestsPerUser > options.MaxInterestsPerUser || options.MaxInterestsPerUser > options.ClusterCount)
        {
            failures.Add(
                $"Interests per user must satisfy 1 ≤ MinInterestsPerUser ({options.MinInterestsPerUser}) ≤ MaxInterestsPerUser ({options.MaxInterestsPerUser}) ≤ ClusterCount ({options.ClusterCount}).");
        }

        if (!(options.FacetStayProbability >= 0 && options.FacetStayProbability <= 1))
        {
            failures.Add($"FacetStayProbability must be in [0, 1] (got {options.FacetStayProbability}).");
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException(
                "Invalid synthetic dataset options: " + string.Join(" ", failures), nameof(options));
        }
    }

    private static Catalogue GenerateCatalogue(
        SyntheticDatasetOptions options, Random rng, out CategoricalField genres, out CategoricalField years)
    {
        var itemCount = options.ItemCount;
        var clusterCount = options.ClusterCount;
        var facetCount = options.FacetCount;
        var cellCount = clusterCount * facetCount;

        var baseYear = new int[clusterCount];
        for (var k = 0; k < clusterCount; k++)
        {
            baseYear[k] = rng.Next(YearCount);
        }

        // Deal a shuffled catalogue round-robin over the cells: cell sizes differ by at most one, and the deal order is
        // the popularity rank inside the cell, so popular items are spread over the item indices.
        var shuffled = Sequence(itemCount);
        rng.Shuffle(shuffled);
        var cellOf = new int[itemCount + 1];
        var members = new List<int>[cellCount];
        for (var c = 0; c < cellCount; c++)
        {
            members[c] = new List<int>((itemCount / cellCount) + 1);
        }

        for (var j = 0; j < itemCount; j++)
        {
            var item = shuffled[j] + 1;
            var cell = j % cellCount;
            cellOf[item] = cell;
            members[cell].Add(item);
        }

        var cellItems = new int[cellCount][];
        var cellPopularity = new double[cellCount][];
        for (var c = 0; c < cellCount; c++)
        {
            cellItems[c] = [.. members[c]];
            var cumulative = new double[cellItems[c].Length];
            var total = 0.0;
            for (var rank = 0; rank < cumulative.Length; rank++)
            {
                total += 1.0 / (rank + 1); // Zipf, exponent 1
                cumulative[rank] = total;
            }

            cellPopularity[c] = cumulative;
        }

        var genreValues = new int[(itemCount + 1) * GenresPerItem];
        var yearValues = new int[itemCount + 1];
        for (var item = 1; item <= itemCount; item++)
        {
            var cluster = cellOf[item] / facetCount;
            var facet = cellOf[item] % facetCount;
            genreValues[item * GenresPerItem] = cluster + 1;
            genreValues[(item * GenresPerItem) + 1] = clusterCount + facet + 1;
            yearValues[item] = Math.Clamp(baseYear[cluster] + rng.Next(-YearSpread, YearSpread + 1), 0, YearCount - 1) + 1;
        }

        genres = new CategoricalField("genres", clusterCount + facetCount + 1, GenresPerItem, genreValues);
        years = new CategoricalField("year", YearCount + 1, 1, yearValues);
        return new Catalogue(facetCount, cellOf, cellItems, cellPopularity);
    }

    private static CategoricalField[] GenerateUsers(
        SyntheticDatasetOptions options, Random rng, out int[] gender, out int[] age)
    {
        var userCount = options.UserCount;
        var userId = new int[userCount];
        gender = new int[userCount];
        age = new int[userCount];
        var occupation = new int[userCount];
        var zipPrefix = new int[userCount];
        for (var u = 0; u < userCount; u++)
        {
            userId[u] = u + 1;
            gender[u] = rng.NextDouble() < MaleProbability ? 1 : 2;
            age[u] = SampleIndex(AgeCumulativeShare, rng.NextDouble()) + 1;
            occupation[u] = rng.Next(OccupationCount) + 1;
            zipPrefix[u] = rng.Next(ZipPrefixCount) + 1;
        }

        return
        [
            new("user_id", userCount + 1, 1, userId),
            new("gender", GenderCount + 1, 1, gender),
            new("age", AgeCount + 1, 1, age),
            new("occupation", OccupationCount + 1, 1, occupation),
            new("zip_prefix", ZipPrefixCount + 1, 1, zipPrefix),
        ];
    }

    private static (int[] Offsets, int[] Items) GenerateBehaviours(
        SyntheticDatasetOptions options, Random rng, Catalogue catalogue, int[] gender, int[] age)
    {
        var userCount = options.UserCount;
        var clusterCount = options.ClusterCount;
        var facetCount = options.FacetCount;
        var lengths = new int[userCount];
        var offsets = new int[userCount + 1];
        for (var u = 0; u < userCount; u++)
        {
            lengths[u] = rng.Next(options.MinBehavioursPerUser, options.MaxBehavioursPerUser + 1);
            offsets[u + 1] = offsets[u] + lengths[u];
        }

        var items = new int[offsets[userCount]];
        var interests = new int[options.MaxInterestsPerUser];
        var interestWeights = new double[options.MaxInterestsPerUser];
        var latestFacet = new int[clusterCount];
        var seen = new int[options.ItemCount + 1]; // stamped with user index + 1
        for (var u = 0; u < userCount; u++)
        {
            var interestCount = rng.Next(options.MinInterestsPerUser, options.MaxInterestsPerUser + 1);
            var demographicCluster = (((gender[u] - 1) * AgeCount) + (age[u] - 1)) % clusterCount;
            interests[0] = rng.NextDouble() < DemographicFavouriteProbability ? demographicCluster : rng.Next(clusterCount);
            var total = interestWeights[0] = 1.0;
            for (var i = 1; i < interestCount; i++)
            {
                int cluster;
                do
                {
                    cluster = rng.Next(clusterCount);
                }
                while (interests.AsSpan(0, i).Contains(cluster));

                interests[i] = cluster;
                total += MinSecondaryInterestWeight + ((1 - MinSecondaryInterestWeight) * rng.NextDouble());
                interestWeights[i] = total;
            }

            Array.Fill(latestFacet, -1);
            var sequence = items.AsSpan(offsets[u], lengths[u]);
            var stamp = u + 1;
            for (var t = 0; t < sequence.Length; t++)
            {
                var cluster = t > 0 && rng.NextDouble() < HistoryDriftProbability
                    ? catalogue.ClusterOf(sequence[t - 1 - rng.Next(Math.Min(t, RecentWindow))])
                    : rng.NextDouble() < ExploreProbability
                        ? rng.Next(clusterCount)
                        : interests[SampleIndex(interestWeights.AsSpan(0, interestCount), rng.NextDouble() * total)];

                // The history-dependent step: the facet of the latest behaviour in this cluster, usually.
                var facet = latestFacet[cluster] >= 0 && rng.NextDouble() < options.FacetStayProbability
                    ? latestFacet[cluster]
                    : rng.Next(facetCount);

                var item = DrawUnseen(catalogue, (cluster * facetCount) + facet, rng, seen, stamp);
                for (var f = 1; f < facetCount && item == 0; f++)
                {
                    item = FirstUnseen(catalogue.CellItems[(cluster * facetCount) + ((facet + f) % facetCount)], seen, stamp);
                }

                // Rare: every item of the cluster is taken; take the next unseen item of the catalogue instead.
                for (var candidate = rng.Next(options.ItemCount) + 1; item == 0; candidate = (candidate % options.ItemCount) + 1)
                {
                    if (seen[candidate] != stamp)
                    {
                        item = candidate;
                    }
                }

                seen[item] = stamp;
                sequence[t] = item;
                latestFacet[catalogue.ClusterOf(item)] = catalogue.FacetOf(item);
            }
        }

        return (offsets, items);
    }

    /// <summary>Up to <see cref="DrawAttempts"/> Zipf draws inside the cell, then its first unseen item; 0 when all are seen.</summary>
    private static int DrawUnseen(Catalogue catalogue, int cell, Random rng, int[] seen, int stamp)
    {
        var members = catalogue.CellItems[cell];
        var popularity = catalogue.CellPopularity[cell];
        for (var attempt = 0; attempt < DrawAttempts; attempt++)
        {
            var candidate = members[SampleIndex(popularity, rng.NextDouble() * popularity[^1])];
            if (seen[candidate] != stamp)
            {
                return candidate;
            }
        }

        return FirstUnseen(members, seen, stamp);
    }

    private static int FirstUnseen(int[] members, int[] seen, int stamp)
    {
        foreach (var candidate in members)
        {
            if (seen[candidate] != stamp)
            {
                return candidate;
            }
        }

        return 0;
    }

    /// <summary>First index whose cumulative weight exceeds <paramref name="target"/> (weights given as running sums).</summary>
    private static int SampleIndex(ReadOnlySpan<double> cumulative, double target)
    {
        var low = 0;
        var high = cumulative.Length - 1;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (cumulative[middle] > target)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    private static int[] Sequence(int count)
    {
        var values = new int[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = i;
        }

        return values;
    }

    /// <summary>The (cluster, facet) cell of every item, and each cell's items by popularity rank with running Zipf weights.</summary>
    private sealed record Catalogue(int FacetCount, int[] CellOf, int[][] CellItems, double[][] CellPopularity)
    {
        public int ClusterOf(int item) => CellOf[item] / FacetCount;

        public int FacetOf(int item) => CellOf[item] % FacetCount;
    }
}
