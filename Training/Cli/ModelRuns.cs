using FitCluster.Training.Runs;

namespace FitCluster.Training.Cli;

/// <summary>The finished runs of one model in an experiment folder, with their folders.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Runs">Finished runs, in seed order.</param>
public sealed record ModelRuns(string Model, IReadOnlyList<(TrainRun Run, string Directory)> Runs)
{
    /// <summary>Test AUC of each run.</summary>
    public double[] TestAucs => [.. Runs.Select(r => r.Run.TestAuc)];

    /// <summary>Test logloss of each run.</summary>
    public double[] TestLoglosses => [.. Runs.Select(r => r.Run.TestLogloss)];
}
