using FitCluster.Training.Models;

namespace FitCluster.Training.Runs;

/// <summary>The outcome of one training run: the metrics written to <c>metrics.json</c> and the test predictions.</summary>
public sealed record TrainRun
{
    /// <summary>Model preset name (<c>fit</c>, <c>two-tower</c>, ...).</summary>
    public required string Model { get; init; }

    /// <summary>Dataset name.</summary>
    public required string Dataset { get; init; }

    /// <summary>Training seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Epochs actually run (early stopping may end before the maximum).</summary>
    public required int EpochsRun { get; init; }

    /// <summary>1-based epoch with the best validation AUC; its weights are the ones evaluated on test.</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Validation AUC of the best epoch.</summary>
    public required double ValAuc { get; init; }

    /// <summary>Validation logloss of the best epoch.</summary>
    public required double ValLogloss { get; init; }

    /// <summary>Test AUC (exact, ties counted half) of the best epoch's weights, eval mode (hard query for FIT).</summary>
    public required double TestAuc { get; init; }

    /// <summary>Test logloss of the best epoch's weights.</summary>
    public required double TestLogloss { get; init; }

    /// <summary>Wall time of all training steps, evaluation excluded.</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Training samples per second over all epochs.</summary>
    public required double SamplesPerSecond { get; init; }

    /// <summary>Mean wall time of one epoch's training steps.</summary>
    public required double EpochSeconds { get; init; }

    /// <summary>Sample counts of the splits.</summary>
    public required int TrainSamples { get; init; }

    /// <summary>Validation samples.</summary>
    public required int ValidationSamples { get; init; }

    /// <summary>Test samples.</summary>
    public required int TestSamples { get; init; }

    /// <summary>Trainable parameter count.</summary>
    public required long Parameters { get; init; }

    /// <summary>libtorch intra-op threads used.</summary>
    public required int Threads { get; init; }

    /// <summary>Per-epoch records.</summary>
    public required IReadOnlyList<EpochRecord> History { get; init; }

    /// <summary>Architecture options.</summary>
    public required ModelOptions ModelOptions { get; init; }

    /// <summary>Optimisation options.</summary>
    public required TrainOptions TrainOptions { get; init; }

    /// <summary>UTC time the run finished, ISO 8601.</summary>
    public required string CreatedUtc { get; init; }
}
