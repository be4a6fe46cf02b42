namespace FitCluster.Training.Reporting;

/// <summary>A model's result as printed in the paper's Table 1.</summary>
/// <param name="Auc">Mean test AUC.</param>
/// <param name="Logloss">Mean test logloss.</param>
/// <param name="RelaImpr">RelaImpr over Two-Tower in percent (eq. 22).</param>
public readonly record struct PaperScore(double Auc, double Logloss, double RelaImpr);
