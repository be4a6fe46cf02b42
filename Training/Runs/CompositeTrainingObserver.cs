using FitCluster.Training.Models;

namespace FitCluster.Training.Runs;

/// <summary>Forwards every notification to several observers, in order (a progress display plus a curve recorder).</summary>
public sealed class CompositeTrainingObserver : ITrainingObserver
{
    private readonly ITrainingObserver[] _observers;

    /// <summary>Creates an observer that forwards to <paramref name="observers"/>, in order.</summary>
    public CompositeTrainingObserver(params ITrainingObserver[] observers)
    {
        _observers = observers;
    }

    /// <inheritdoc />
    public void ModelCreated(RankingModel model)
    {
        foreach (var o in _observers)
        {
            o.ModelCreated(model);
        }
    }

    /// <inheritdoc />
    public void Resumed(IReadOnlyList<EpochRecord> epochs, IReadOnlyList<StepRecord> steps)
    {
        foreach (var o in _observers)
        {
            o.Resumed(epochs, steps);
        }
    }

    /// <inheritdoc />
    public void EpochStarted(int epoch, int steps)
    {
        foreach (var o in _observers)
        {
            o.EpochStarted(epoch, steps);
        }
    }

    /// <inheritdoc />
    public void StepCompleted(int epoch, int stepInEpoch, StepRecord record)
    {
        foreach (var o in _observers)
        {
            o.StepCompleted(epoch, stepInEpoch, record);
        }
    }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord record, bool improved)
    {
        foreach (var o in _observers)
        {
            o.EpochCompleted(record, improved);
        }
    }

    /// <inheritdoc />
    public void Status(string message)
    {
        foreach (var o in _observers)
        {
            o.Status(message);
        }
    }
}
