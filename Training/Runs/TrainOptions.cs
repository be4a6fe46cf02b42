namespace FitCluster.Training.Runs;

/// <summary>Optimisation settings. Defaults follow FIT §5.1.4 (Adam, lr 1e-3, batch 2048).</summary>
public sealed record TrainOptions
{
    /// <summary>Maximum epochs. Default 6.</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>Mini-batch size. Default 2048.</summary>
    public int BatchSize { get; init; } = 2048;

    /// <summary>Adam learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>L2 weight decay added by Adam (0 = none, the paper's setting).</summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// Epochs over which the soft query's temperature decays from 1 to its floor (FIT, eq. 23's threshold, in epochs).
    /// Default 1: the paper's threshold of one epoch's steps (§5.1.4).
    /// </summary>
    public double TemperatureEpochs { get; init; } = 1.0;

    /// <summary>Seed for parameter initialisation and shuffling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Epochs without a better validation AUC before stopping early. Default 2.</summary>
    public int Patience { get; init; } = 2;

    /// <summary>Batch size for evaluation (no gradients). Default 8192.</summary>
    public int EvalBatchSize { get; init; } = 8192;

    /// <summary>Intra-op threads for libtorch; null = one per core.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Whether a run written by <c>TrainCommand.TrainAndWrite</c> saves its state after every epoch into its run folder and
    /// continues from there when trained again (<c>--resume</c>); sets <see cref="ResumeFolder"/>. Not part of the run's
    /// recorded options.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Resume { get; init; }

    /// <summary>
    /// Where the run's state is saved after every epoch and resumed from (<see cref="EpochCheckpoint"/>); null: not saved.
    /// Not part of the run's recorded options.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ResumeFolder { get; init; }
}
