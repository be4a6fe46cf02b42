namespace FitCluster.Training.Models;

/// <summary>The model families the trainer builds.</summary>
public enum ModelKind
{
    /// <summary>DSSM two-tower: average-pooled sequence, L2-normalised towers, dot product (FIT, eq. 1–3, 18).</summary>
    TwoTower,

    /// <summary>FIT: Meta Query Module + DIN interaction unit + Lightweight Similarity Scorer.</summary>
    Fit,
}
