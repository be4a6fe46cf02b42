namespace FitCluster.Training.Export;

/// <summary>Options of an export.</summary>
public sealed record ExportOptions
{
    /// <summary>Store item heads as float16 (half the bytes; golden tolerance <see cref="ArtifactExporter.HalfTolerance"/>). Default false.</summary>
    public bool Half { get; init; }

    /// <summary>Test users in the golden set. Default 10.</summary>
    public int GoldenUsers { get; init; } = 10;

    /// <summary>Candidates per golden request (the user's test positive and negative plus random items). Default 200.</summary>
    public int GoldenCandidates { get; init; } = 200;

    /// <summary>Seed of the golden set's user and candidate choice. Default 7.</summary>
    public int Seed { get; init; } = 7;
}
