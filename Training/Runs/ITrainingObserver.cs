using FitCluster.Training.Models;

namespace FitCluster.Training.Runs;

/// <summary>Receives progress from <see cref="Trainer"/> (a progress bar, a log, a test probe).</summary>
public interface ITrainingObserver
{
    /// <summary>
    /// The model was created, before the first step. An observer may evaluate it between steps (validation curves); it
    /// must leave it in training mode and its parameters untouched.
    /// </summary>
    void ModelCreated(RankingModel model)
    {
    }

    /// <summary>The run continues from saved state: these epochs and steps were done before the interruption.</summary>
    void Resumed(IReadOnlyList<EpochRecord> epochs, IReadOnlyList<StepRecord> steps)
    {
    }

    /// <summary>An epoch starts with <paramref name="steps"/> steps.</summary>
    void EpochStarted(int epoch, int steps);

    /// <summary>A training step finished (called for every step; keep it cheap).</summary>
    void StepCompleted(int epoch, int stepInEpoch, StepRecord record);

    /// <summary>Validation finished for an epoch.</summary>
    void EpochCompleted(EpochRecord record, bool improved);

    /// <summary>A free-form status line (loading, evaluating, saving).</summary>
    void Status(string message);
}
