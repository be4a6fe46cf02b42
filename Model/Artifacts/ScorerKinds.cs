namespace FitCluster.Model.Artifacts;

/// <summary>Values of <see cref="ModelManifest.Scorer"/>.</summary>
public static class ScorerKinds
{
    /// <summary>FIT's Lightweight Similarity Scorer (eq. 11–16) over H_u × H_v heads.</summary>
    public const string Lss = "lss";

    /// <summary>The dot product of one user head and one item head (Two-Tower, eq. 3, with γ folded into the user head).</summary>
    public const string Dot = "dot";
}
