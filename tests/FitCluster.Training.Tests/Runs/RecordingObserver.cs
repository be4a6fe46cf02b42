using FitCluster.Training.Runs;

namespace FitCluster.Training.Tests.Runs;

/// <summary>Collects what the trainer reports, for assertions.</summary>
internal sealed class RecordingObserver : ITrainingObserver
{
    public List<EpochRecord> Epochs { get; } = [];

    public List<StepRecord> Steps { get; } = [];

    public void EpochStarted(int epoch, int steps)
    {
    }

    public void StepCompleted(int epoch, int stepInEpoch, StepRecord record) => Steps.Add(record);

    public void EpochCompleted(EpochRecord record, bool improved) => Epochs.Add(record);

    public void Status(string message)
    {
    }
}
