namespace FitCluster.Training.Models;

/// <summary>FIT's output layer: the paper's LSS or one of the §5.4.1 late-interaction ablations.</summary>
public enum FitScorer
{
    /// <summary>The Lightweight Similarity Scorer (FIT, eq. 13–16).</summary>
    Lss,

    /// <summary>"w/o LSS": the Two-Tower output layer, γ times the dot product of L2-normalised towers (FIT, eq. 2–3).</summary>
    Dot,

    /// <summary>"w SumMax": the sum-max similarity of the multi-head representations (FIT, eq. 10).</summary>
    SumMax,

    /// <summary>"w FC": an FC layer over the flattened similarity matrix, then a projection (FIT, eq. 17).</summary>
    Fc,
}
