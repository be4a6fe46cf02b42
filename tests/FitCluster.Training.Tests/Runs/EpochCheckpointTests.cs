using FitCluster.Training.Data;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;
using System.CommandLine;
using FitCluster.Training.Cli;
using Xunit;

namespace FitCluster.Training.Tests.Runs;

[CollectionDefinition(nameof(EpochCheckpointTests), DisableParallelization = true)]
public sealed class EpochCheckpointGroup;

/// <summary>
/// Epoch-level resume (<see cref="EpochCheckpoint"/>). Alone, with no other test training in the process meanwhile:
/// it saves and restores libtorch's process-wide generator state, and with checkpoints written by every training in
/// parallel the test host crashed in CI (docs/training.md, "Resuming").
/// </summary>
[Collection(nameof(EpochCheckpointTests))]
public sealed class EpochCheckpointTests
{
    private static readonly Lazy<SampleSplits> s_small = new(() =>
        SampleBuilder.Build(SyntheticDataset.Generate(new SyntheticDatasetOptions { UserCount = 300 }), new SampleBuilderOptions()));

    [Fact]
    public void Train_InterruptedAfterEpochTwoThenResumed_SameRunAsUninterrupted()
    {
        using var temp = new TempDirectory("fit-resume");
        var ct = TestContext.Current.CancellationToken;
        var options = new TrainOptions { Epochs = 3, Seed = 7, Patience = 5 };
        var (whole, wholeModel, wholeLogits) = Trainer.Train(s_small.Value, ModelOptions.Preset("fit"), options, new RecordingObserver(), ct);
        wholeModel.Dispose();

        // Interrupted at the start of epoch 3, after epoch 2's state was saved.
        var folder = Path.Combine(temp.Path, "resume");
        using var stop = new CancellationTokenSource();
        var first = new RecordingObserver
        {
            AfterEpoch = e =>
            {
                if (e.Epoch == 2)
                {
                    stop.Cancel();
                }
            },
        };
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Train(s_small.Value, ModelOptions.Preset("fit"), options with { ResumeFolder = folder }, first, stop.Token));
        Assert.True(File.Exists(Path.Combine(folder, "epoch-2", "state.json")));
        Directory.CreateDirectory(Path.Combine(folder, "epoch-3")); // a save cut short: no state.json, so ignored
        File.WriteAllText(Path.Combine(folder, "epoch-3", "model.bin"), "torn");

        var second = new RecordingObserver();
        var (resumed, resumedModel, resumedLogits) = Trainer.Train(s_small.Value, ModelOptions.Preset("fit"), options with { ResumeFolder = folder }, second, ct);
        resumedModel.Dispose();

        Assert.True(second.EpochsStarted.SequenceEqual([3]), $"only epoch 3 should train; started {string.Join(", ", second.EpochsStarted)}: {string.Join(" | ", second.Messages)}");
        Assert.Equal(2, second.ResumedWith!.Value.Epochs.Count);
        Assert.Equal(first.Steps.Select(s => s.Loss), second.ResumedWith.Value.Steps.Select(s => s.Loss));
        Assert.Equal(3, resumed.EpochsRun);
        Assert.Equal(whole.BestEpoch, resumed.BestEpoch);
        for (var e = 0; e < 3; e++)
        {
            // Same data order, weights, Adam moments and τ schedule: the same numbers, epoch by epoch.
            Assert.Equal(whole.History[e].TrainLoss, resumed.History[e].TrainLoss, 9);
            Assert.Equal(whole.History[e].ValidationAuc, resumed.History[e].ValidationAuc, 9);
            Assert.Equal(whole.History[e].Temperature, resumed.History[e].Temperature);
        }

        Assert.Equal(whole.TestAuc, resumed.TestAuc, 9);
        Assert.Equal(wholeLogits.Length, resumedLogits.Length);
        for (var i = 0; i < wholeLogits.Length; i++)
        {
            Assert.True(Math.Abs(wholeLogits[i] - resumedLogits[i]) <= 1e-5, $"test logit {i}: {resumedLogits[i]} vs {wholeLogits[i]}");
        }

        Assert.Equal(["epoch-3"], Directory.EnumerateDirectories(folder).Select(Path.GetFileName));

        // The same folder for another seed: that state is not this run's, so it trains from the start.
        var other = new RecordingObserver();
        var (_, otherModel, _) = Trainer.Train(s_small.Value, ModelOptions.Preset("fit"), options with { Seed = 8, Epochs = 1, ResumeFolder = folder }, other, ct);
        otherModel.Dispose();
        Assert.Null(other.ResumedWith);
        Assert.Equal([1], other.EpochsStarted);
        Assert.Contains(other.Messages, m => m.Contains("another configuration", StringComparison.Ordinal));
    }

    [Fact]
    public void ResumeOption_OffUnlessGiven_AndNeverRecordedInTheRunsOptions()
    {
        var args = new TrainingArguments();
        var command = new Command("train");
        args.AddTo(command);
        Assert.False(args.Train(command.Parse([])).Resume);
        var on = args.Train(command.Parse(["--resume", "--seed", "3"]));
        Assert.True(on.Resume);
        Assert.Equal(3, on.Seed);

        var recorded = System.Text.Json.JsonSerializer.Serialize(on with { ResumeFolder = "/somewhere" });
        Assert.DoesNotContain("resume", recorded, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("somewhere", recorded, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainWithResume_UsesAndClearsTheRunsResumeFolder_WithoutItTheFolderIsNotTouched()
    {
        using var temp = new TempDirectory("fit-resume-cli");
        foreach (var (resume, folder) in new[] { (true, "with"), (false, "without") })
        {
            var output = Path.Combine(temp.Path, folder);
            var planted = Path.Combine(output, TrainCommand.ResumeFolderName, "epoch-1");
            Directory.CreateDirectory(planted); // a state of some other configuration: never resumed
            File.WriteAllText(Path.Combine(planted, "state.json"), "{\"fingerprint\":\"another\",\"epoch\":1}");
            string[] line = ["train", "--dataset", "synthetic", "--model", "two-tower", "--epochs", "2", "--patience", "5", "--seed", "4", "--max-users", "200", "--batch-size", "256", "--out", output];
            var exit = new RootCommand { TrainCommand.Create() }.Parse(resume ? [.. line, "--resume"] : line).Invoke();
            Assert.Equal(0, exit);
            Assert.True(File.Exists(Path.Combine(output, "metrics.json")));
            Assert.Equal(!resume, File.Exists(Path.Combine(planted, "state.json"))); // with --resume: read, discarded, and the folder cleared once the run is written
        }

        // Both runs trained the same numbers (epoch, train loss, validation AUC and logloss; not the timings): saving the
        // state after each epoch changes nothing in the run.
        Assert.Equal(
            File.ReadAllText(Path.Combine(temp.Path, "with", "history.csv")).Split('\n').Select(l => string.Join(',', l.Split(',').Take(4))),
            File.ReadAllText(Path.Combine(temp.Path, "without", "history.csv")).Split('\n').Select(l => string.Join(',', l.Split(',').Take(4))));
    }
}
