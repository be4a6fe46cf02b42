using FitCluster.Training.Runs;

namespace FitCluster.Training.Tests.Runs;

/// <summary>Records what a training reports; <see cref="AfterEpoch"/> runs after each finished epoch (to interrupt a run).</summary>
internal sealed class RecordingObserver : ITrainingObserver
{
    public List<EpochRecord> Epochs { get; } = [];

    public List<StepRecord> Steps { get; } = [];

    public List<int> EpochsStarted { get; } = [];

    public List<string> Messages { get; } = [];

    public (IReadOnlyList<EpochRecord> Epochs, IReadOnlyList<StepRecord> Steps)? ResumedWith { get; private set; }

    public Action<EpochRecord>? AfterEpoch { get; init; }

    public void Resumed(IReadOnlyList<EpochRecord> epochs, IReadOnlyList<StepRecord> steps) => ResumedWith = (epochs, steps);

    public void EpochStarted(int epoch, int steps) => EpochsStarted.Add(epoch);

    public void StepCompleted(int epoch, int stepInEpoch, StepRecord record) => Steps.Add(record);

    public void EpochCompleted(EpochRecord record, bool improved)
    {
        Epochs.Add(record);
        AfterEpoch?.Invoke(record);
    }

    public void Status(string message) => Messages.Add(message);
}
