namespace FitCluster.Training.Runs;

/// <summary>What one epoch measured.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training cross-entropy (FIT, eq. 21) over the epoch.</param>
/// <param name="ValidationAuc">AUC on the validation split, eval mode.</param>
/// <param name="ValidationLogLoss">Logloss on the validation split, eval mode.</param>
/// <param name="TrainSeconds">Wall time of the epoch's training steps (evaluation excluded).</param>
/// <param name="SamplesPerSecond">Training samples per second in this epoch.</param>
/// <param name="Temperature">τ at the epoch's last step (FIT only, else null).</param>
/// <param name="QuerySimilarity">Mean QS (FIT, eq. 24) over the epoch's last 10% of steps (FIT only, else null).</param>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double ValidationAuc,
    double ValidationLogLoss,
    double TrainSeconds,
    double SamplesPerSecond,
    double? Temperature,
    double? QuerySimilarity);
