namespace FitCluster.Training.Data;

/// <summary>How <see cref="SampleBuilder"/> turns an <see cref="InteractionLog"/> into train / validation / test samples.</summary>
public sealed record SampleBuilderOptions
{
    /// <summary>Default <see cref="MaxSequenceLength"/>: the latest 50 behaviours, as in the paper.</summary>
    public const int DefaultMaxSequenceLength = 50;

    /// <summary>Default <see cref="ValidationFraction"/>: 20% of the train positions.</summary>
    public const double DefaultValidationFraction = 0.2;

    /// <summary>Default <see cref="Seed"/>.</summary>
    public const int DefaultSeed = 2025;

    /// <summary>History truncation: a sample sees at most this many behaviours, the latest ones. Default 50; at least 1.</summary>
    public int MaxSequenceLength { get; init; } = DefaultMaxSequenceLength;

    /// <summary>
    /// Fraction of the train positions (both samples of a position together) moved to validation, chosen at random
    /// with <see cref="Seed"/>. Default 0.2; in [0, 1).
    /// </summary>
    public double ValidationFraction { get; init; } = DefaultValidationFraction;

    /// <summary>Seed of the negative sampling and of the validation split (each gets its own derived stream). Default 2025.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>
    /// When set, only users <c>0..MaxUsers-1</c> (index order) yield samples: a small slice for tests and demos.
    /// Default null = every user; at least 0.
    /// </summary>
    public int? MaxUsers { get; init; }
}
