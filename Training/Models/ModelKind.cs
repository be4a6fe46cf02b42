namespace FitCluster.Training.Models;

/// <summary>The model families the trainer builds.</summary>
public enum ModelKind
{
    /// <summary>DSSM two-tower: average-pooled sequence, L2-normalised towers, dot product (FIT, eq. 1–3, 18).</summary>
    TwoTower,

    /// <summary>FIT: Meta Query Module + DIN interaction unit + Lightweight Similarity Scorer.</summary>
    Fit,

    /// <summary>DAT: Two-Tower with dual augmented vectors and the adaptive-mimic loss (<see cref="DatModel"/>).</summary>
    Dat,

    /// <summary>COLD: a single tower with an SE block over every feature group of the pair (<see cref="ColdModel"/>).</summary>
    Cold,

    /// <summary>IntTower: FE-Block, multi-layer multi-head sum-max and the contrastive regulariser (<see cref="IntTowerModel"/>).</summary>
    IntTower,

    /// <summary>RankTower: multi-head representations, gated cross-attention and sum-max (<see cref="RankTowerModel"/>).</summary>
    RankTower,
}
