using FitCluster.Training.Data;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Cli;

/// <summary>What an experiment adds to a bench run beyond training it (see <see cref="BenchRunner.Ensure"/>).</summary>
/// <param name="RequiredFiles">Files (relative to the run folder) that must exist, beside metrics.json, for the run to count as done.</param>
/// <param name="CreateObserver">Creates an extra training observer for one training attempt (validation curves).</param>
/// <param name="AfterTraining">Runs on the best-epoch model with the run folder and the attempt's observer (export, write curves).</param>
public sealed record BenchRunExtras(
    IReadOnlyList<string> RequiredFiles,
    Func<SampleSplits, ITrainingObserver>? CreateObserver = null,
    Action<RankingModel, TrainRun, string, ITrainingObserver?>? AfterTraining = null);
