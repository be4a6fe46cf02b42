namespace FitCluster.Training.Reporting;

/// <summary>One model's test metrics over repeats (one value per seed).</summary>
/// <param name="Model">Model name.</param>
/// <param name="Aucs">Test AUC of each repeat.</param>
/// <param name="Loglosses">Test logloss of each repeat.</param>
public sealed record ModelScores(string Model, IReadOnlyList<double> Aucs, IReadOnlyList<double> Loglosses);
