namespace FitCluster.Training.Runs;

/// <summary>One point of a validation curve (FIT, Fig. 5).</summary>
/// <param name="Step">Global steps completed (1-based: the point follows step <c>Step − 1</c>).</param>
/// <param name="ValidationAuc">AUC on the fixed validation subsample, eval mode (hard query for FIT).</param>
/// <param name="QuerySimilarity">Mean QS (eq. 24) over the steps since the previous point; null without a soft query.</param>
/// <param name="Temperature">τ of the latest step (eq. 23).</param>
public readonly record struct CurvePoint(long Step, double ValidationAuc, double? QuerySimilarity, double Temperature);
