namespace FitCluster.Training.Models;

/// <summary>Which query FIT's interaction unit attends with (FIT §4.1, §5.4.2).</summary>
public enum QueryMode
{
    /// <summary>The paper's FIT: soft query (eq. 7) with the decaying temperature of eq. 23 in training, hard query at inference.</summary>
    SoftDecaying,

    /// <summary>Hard query (eq. 8) in training and inference (Fig. 5 "hard query").</summary>
    Hard,

    /// <summary>Soft query with τ fixed at 1 in training, hard query at inference (Fig. 5 "soft query w/o temperature").</summary>
    SoftFixed,

    /// <summary>
    /// The exact target item's attribute embedding e_c as the query: DIN's own setting, the upper bound of early
    /// interaction. Not servable as a two-tower (the user tower would run once per candidate).
    /// </summary>
    ExactTarget,

    /// <summary>
    /// No Meta Query Module and no interaction unit: the behaviour sequence is average-pooled (FIT, eq. 18) beside the
    /// user features, as in Two-Tower (§5.4.1 "w/o MQM").
    /// </summary>
    AveragePooling,
}
