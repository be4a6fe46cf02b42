namespace FitCluster.Model.Artifacts;

/// <summary>Values of <see cref="ModelManifest.ModelKind"/>.</summary>
public static class ModelKinds
{
    /// <summary>FIT: N-branch user tower, stored query index, LSS.</summary>
    public const string Fit = "fit";

    /// <summary>Two-Tower (DSSM): one user vector, dot product.</summary>
    public const string TwoTower = "two-tower";
}
