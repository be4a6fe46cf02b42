namespace FitCluster.Training.Runs;

/// <summary>A sampled training step for curves (Fig. 5): loss, τ and QS.</summary>
/// <param name="Step">0-based global step.</param>
/// <param name="Loss">Batch cross-entropy.</param>
/// <param name="Temperature">τ used for this step.</param>
/// <param name="QuerySimilarity">Batch-mean QS, or null for models without a soft query.</param>
public readonly record struct StepRecord(long Step, double Loss, double Temperature, double? QuerySimilarity);
