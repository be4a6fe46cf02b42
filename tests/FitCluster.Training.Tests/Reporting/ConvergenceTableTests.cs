using FitCluster.Training.Cli;
using FitCluster.Training.Models;
using FitCluster.Training.Reporting;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Tests.Reporting;

public sealed class ConvergenceTableTests
{
    [Fact]
    public void Render_OneRunAtItsCap_NamesExactlyThatRunAndSaysNotConverged()
    {
        // Seeds out of order, caps and patiences that differ between models; only dat seed 2 has its best at its cap.
        (string, IReadOnlyList<RunEpochs>)[] models =
        [
            ("two-tower", [new(3, 7, 9, 30, 2), new(1, 8, 10, 30, 2)]),
            ("dat", [new(2, 12, 12, 12, 3), new(1, 11, 12, 12, 3)]),    // s1: best below cap although the cap ended it
            ("cold", []),                                               // no finished run: no row
        ];

        var text = ConvergenceTable.Render(models);

        Assert.Equal(["two-tower", "s1: 8/10 · s3: 7/9", "30", "2", "2/2"], Cells(text, "two-tower"));
        Assert.Equal(["dat", "s1: 11/12 · s2: 12/12 **(cap)**", "12", "3", "0/2"], Cells(text, "dat"));
        Assert.DoesNotContain("| cold", text, StringComparison.Ordinal);
        Assert.Contains("**Not converged**: 1 of 4 runs have their best epoch at the cap: dat seed 2 (best epoch 12, cap 12).", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EveryBestBelowItsCap_SaysConvergedWithTheRunCount()
    {
        var text = ConvergenceTable.Render([("fit", [new(1, 5, 7, 30, 2), new(2, 29, 30, 30, 2), new(3, 6, 8, 40, 2)])]);

        Assert.Equal(["fit", "s1: 5/7 · s2: 29/30 · s3: 6/8", "30, 40", "2", "2/3"], Cells(text, "fit"));
        Assert.Contains("Converged: in all 3 runs the best epoch is below the cap.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("(cap)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Epochs_ReadsTheRunsOwnCapAndPatience()
    {
        var run = new TrainRun
        {
            Model = "fit", Dataset = "ml-1m", Seed = 3, EpochsRun = 11, BestEpoch = 9, ValAuc = 0.9, ValLogloss = 0.3,
            TestAuc = 0.9, TestLogloss = 0.4, TrainSeconds = 1, SamplesPerSecond = 1, EpochSeconds = 1,
            TrainSamples = 1, ValidationSamples = 1, TestSamples = 1, Parameters = 1, Threads = 2, History = [],
            ModelOptions = ModelOptions.Preset("fit"), TrainOptions = new TrainOptions { Seed = 3, Epochs = 25, Patience = 4 },
            CreatedUtc = "2026-12-05T00:00:00Z",
        };

        Assert.Equal(new RunEpochs(3, 9, 11, 25, 4), ModelTableCommand.Epochs(run));
    }

    private static string[] Cells(string markdown, string model) => markdown.Split('\n')
        .Where(line => line.StartsWith('|'))
        .Select(line => line.Split(" | ").Select(c => c.Trim(' ', '|')).ToArray())
        .Single(cells => cells[0] == model);
}
