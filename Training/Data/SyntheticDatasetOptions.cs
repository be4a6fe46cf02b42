namespace FitCluster.Training.Data;

/// <summary>Size, generative-story parameters and seed of the built-in <see cref="SyntheticDataset"/>.</summary>
public sealed record SyntheticDatasetOptions
{
    /// <summary>Default <see cref="UserCount"/>.</summary>
    public const int DefaultUserCount = 2000;

    /// <summary>Default <see cref="ItemCount"/>.</summary>
    public const int DefaultItemCount = 1000;

    /// <summary>Default <see cref="MinBehavioursPerUser"/> (ML-1M users also have at least 20 ratings).</summary>
    public const int DefaultMinBehavioursPerUser = 20;

    /// <summary>Default <see cref="MaxBehavioursPerUser"/>.</summary>
    public const int DefaultMaxBehavioursPerUser = 80;

    /// <summary>Default <see cref="ClusterCount"/>.</summary>
    public const int DefaultClusterCount = 10;

    /// <summary>Default <see cref="FacetCount"/>.</summary>
    public const int DefaultFacetCount = 6;

    /// <summary>Default <see cref="MinInterestsPerUser"/>.</summary>
    public const int DefaultMinInterestsPerUser = 2;

    /// <summary>Default <see cref="MaxInterestsPerUser"/>.</summary>
    public const int DefaultMaxInterestsPerUser = 4;

    /// <summary>Default <see cref="FacetStayProbability"/>.</summary>
    public const double DefaultFacetStayProbability = 0.85;

    /// <summary>Default <see cref="Seed"/>.</summary>
    public const int DefaultSeed = 7;

    /// <summary>Number of users. Default 2000; at least 1.</summary>
    public int UserCount { get; init; } = DefaultUserCount;

    /// <summary>Number of items (item indices 1..ItemCount). Default 1000; greater than <see cref="MaxBehavioursPerUser"/>
    /// and at least <see cref="ClusterCount"/> × <see cref="FacetCount"/> (every (cluster, facet) cell has an item).</summary>
    public int ItemCount { get; init; } = DefaultItemCount;

    /// <summary>Fewest behaviours of a user (inclusive). Default 20; at least 2.</summary>
    public int MinBehavioursPerUser { get; init; } = DefaultMinBehavioursPerUser;

    /// <summary>Most behaviours of a user (inclusive). Default 80; at least <see cref="MinBehavioursPerUser"/>.</summary>
    public int MaxBehavioursPerUser { get; init; } = DefaultMaxBehavioursPerUser;

    /// <summary>Number of latent item clusters (topics; genre values 1..ClusterCount). Default 10; at least 1.</summary>
    public int ClusterCount { get; init; } = DefaultClusterCount;

    /// <summary>
    /// Number of facets, shared by every cluster (genre values ClusterCount+1..ClusterCount+FacetCount): an item is one
    /// (cluster, facet) cell. Default 6; at least 1.
    /// </summary>
    public int FacetCount { get; init; } = DefaultFacetCount;

    /// <summary>Fewest distinct clusters a user is interested in (inclusive). Default 2; in 1..ClusterCount.</summary>
    public int MinInterestsPerUser { get; init; } = DefaultMinInterestsPerUser;

    /// <summary>Most distinct clusters a user is interested in (inclusive). Default 4; in MinInterestsPerUser..ClusterCount.</summary>
    public int MaxInterestsPerUser { get; init; } = DefaultMaxInterestsPerUser;

    /// <summary>
    /// Probability that a behaviour in a cluster the user has visited before keeps the facet of the user's latest
    /// behaviour in that cluster (otherwise the facet is drawn afresh, uniformly). Default 0.85; in [0, 1].
    /// </summary>
    public double FacetStayProbability { get; init; } = DefaultFacetStayProbability;

    /// <summary>Seed of the generator; the same options always give the same dataset. Default 7.</summary>
    public int Seed { get; init; } = DefaultSeed;
}
