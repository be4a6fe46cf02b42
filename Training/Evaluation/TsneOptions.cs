namespace FitCluster.Training.Evaluation;

/// <summary>Settings of <see cref="Tsne"/>; defaults follow van der Maaten &amp; Hinton (2008) and scikit-learn.</summary>
public sealed record TsneOptions
{
    /// <summary>Target perplexity of each point's neighbour distribution (effective neighbour count). Default 30.</summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>Gradient-descent iterations. Default 1000.</summary>
    public int Iterations { get; init; } = 1000;

    /// <summary>Iterations with exaggerated affinities at the start. Default 250.</summary>
    public int ExaggerationIterations { get; init; } = 250;

    /// <summary>Factor of the early exaggeration. Default 12.</summary>
    public double Exaggeration { get; init; } = 12;

    /// <summary>Learning rate; null = max(n / Exaggeration / 4, 50) (scikit-learn's "auto").</summary>
    public double? LearningRate { get; init; }

    /// <summary>Seed of the initial layout. Default 1.</summary>
    public int Seed { get; init; } = 1;
}
