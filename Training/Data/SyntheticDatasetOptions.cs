namespace FitCluster.Training.Data;

/// <summary>Size and seed of the built-in <see cref="SyntheticDataset"/>.</summary>
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
    public const int DefaultClusterCount = 8;

    /// <summary>Default <see cref="GenreCount"/>.</summary>
    public const int DefaultGenreCount = 12;

    /// <summary>Default <see cref="Seed"/>.</summary>
    public const int DefaultSeed = 7;

    /// <summary>Number of users. Default 2000; at least 1.</summary>
    public int UserCount { get; init; } = DefaultUserCount;

    /// <summary>Number of items (item indices 1..ItemCount). Default 1000; greater than <see cref="MaxBehavioursPerUser"/>.</summary>
    public int ItemCount { get; init; } = DefaultItemCount;

    /// <summary>Fewest behaviours of a user (inclusive). Default 20; at least 2.</summary>
    public int MinBehavioursPerUser { get; init; } = DefaultMinBehavioursPerUser;

    /// <summary>Most behaviours of a user (inclusive). Default 80; at least <see cref="MinBehavioursPerUser"/>.</summary>
    public int MaxBehavioursPerUser { get; init; } = DefaultMaxBehavioursPerUser;

    /// <summary>Number of latent item clusters (the planted structure). Default 8; 1..ItemCount.</summary>
    public int ClusterCount { get; init; } = DefaultClusterCount;

    /// <summary>Number of genres (item field <c>genres</c>). Default 12; at least 3.</summary>
    public int GenreCount { get; init; } = DefaultGenreCount;

    /// <summary>Seed of the generator; the same options always give the same dataset. Default 7.</summary>
    public int Seed { get; init; } = DefaultSeed;
}
