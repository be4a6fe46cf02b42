using FitCluster.Training.Data;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Tests.Runs;

public sealed class TrainerTests
{
    private static readonly Lazy<SampleSplits> s_small = new(() =>
        SampleBuilder.Build(SyntheticDataset.Generate(new SyntheticDatasetOptions { UserCount = 300 }), new SampleBuilderOptions()));

    private static readonly Lazy<SampleSplits> s_synthetic = new(() =>
        SampleBuilder.Build(SyntheticDataset.Generate(new SyntheticDatasetOptions { UserCount = 1200 }), new SampleBuilderOptions()));

    [Fact]
    public void Train_FitOnSynthetic_LossFallsAndAucWellAboveChance()
    {
        var observer = new RecordingObserver();
        var (run, model, testLogits) = Trainer.Train(s_synthetic.Value, ModelOptions.Preset("fit"), new TrainOptions { Epochs = 3, Seed = 1 }, observer, TestContext.Current.CancellationToken);
        using (model)
        {
            Assert.Equal(3, run.EpochsRun);
            Assert.True(observer.Epochs[^1].TrainLoss < observer.Epochs[0].TrainLoss, $"train loss should fall: {string.Join(", ", observer.Epochs.Select(e => e.TrainLoss))}");
            Assert.True(run.TestAuc > 0.75, $"FIT on the planted synthetic data should learn, got test AUC {run.TestAuc}");
            Assert.Equal(s_synthetic.Value.Test.Count, testLogits.Length);

            // FIT, eq. 23 with threshold = steps per epoch: τ starts at 1 and reaches the floor after one epoch.
            var stepsPerEpoch = observer.Steps.Count / run.EpochsRun;
            Assert.Equal(1.0, observer.Steps[0].Temperature, 9);
            Assert.Equal(0.001, observer.Steps[stepsPerEpoch].Temperature, 9);
            Assert.InRange(observer.Epochs[^1].QuerySimilarity!.Value, 0.95, 1.0 + 1e-6);
        }
    }

    [Fact]
    public void Train_TemperatureEpochsTwo_TauHalfwayAfterOneEpoch()
    {
        var observer = new RecordingObserver();
        var options = new TrainOptions { Epochs = 1, Seed = 2, TemperatureEpochs = 2 };
        var (run, model, _) = Trainer.Train(s_synthetic.Value, ModelOptions.Preset("fit"), options, observer, TestContext.Current.CancellationToken);
        model.Dispose();

        // FIT, eq. 23 with threshold = 2 epochs of steps: τ(step) = 1 − step / (2 · stepsPerEpoch).
        var steps = observer.Steps.Count;
        Assert.Equal(1, run.EpochsRun);
        Assert.Equal(1.0 - ((double)(steps - 1) / (2 * steps)), observer.Steps[^1].Temperature, 9);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Train_TemperatureEpochsNotPositive_Throws(double epochs)
    {
        var error = Assert.Throws<ArgumentException>(() => Trainer.Train(
            s_synthetic.Value, ModelOptions.Preset("fit"), new TrainOptions { Epochs = 1, TemperatureEpochs = epochs }, new RecordingObserver(), TestContext.Current.CancellationToken));
        Assert.Contains("TemperatureEpochs", error.Message, StringComparison.Ordinal);
    }

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
    public void Train_TwoTowerSameSeedTwice_IdenticalMetrics()
    {
        var options = new TrainOptions { Epochs = 1, Seed = 5 };
        var (first, a, _) = Trainer.Train(s_synthetic.Value, ModelOptions.Preset("two-tower"), options, new RecordingObserver(), TestContext.Current.CancellationToken);
        var (second, b, _) = Trainer.Train(s_synthetic.Value, ModelOptions.Preset("two-tower"), options, new RecordingObserver(), TestContext.Current.CancellationToken);
        a.Dispose();
        b.Dispose();
        Assert.Equal(first.ValAuc, second.ValAuc, 6);
        Assert.Equal(first.TestAuc, second.TestAuc, 6);
        Assert.True(first.TestAuc > 0.6, $"Two-Tower should learn the synthetic data, got {first.TestAuc}");
    }

    [Fact]
    [Trait("Category", TestData.RealDataCategory)]
    public void Train_FitOnMovieLensSlice_LossFallsAndAucClearlyAboveChance()
    {
        var splits = SampleBuilder.Build(TestData.MovieLens1M(), new SampleBuilderOptions { MaxUsers = 300 });
        var observer = new RecordingObserver();
        var (run, model, _) = Trainer.Train(splits, ModelOptions.Preset("fit"), new TrainOptions { Epochs = 2, Seed = 3 }, observer, TestContext.Current.CancellationToken);
        model.Dispose();
        Assert.True(observer.Epochs[1].TrainLoss < observer.Epochs[0].TrainLoss, "train loss should fall on the ML-1M slice");
        Assert.True(run.TestAuc > 0.7, $"FIT on 300 ML-1M users should be clearly above chance, got test AUC {run.TestAuc}");
    }

    [Fact]
    public void Train_EarlyStopping_KeepsBestEpochWeights()
    {
        // A learning rate this large makes validation AUC peak early; the run must stop and report the peak epoch.
        var (run, model, testLogits) = Trainer.Train(
            s_synthetic.Value, ModelOptions.Preset("two-tower"), new TrainOptions { Epochs = 8, Seed = 2, LearningRate = 0.05, Patience = 1 }, new RecordingObserver(), TestContext.Current.CancellationToken);
        using (model)
        {
            Assert.Equal(run.History.Max(e => e.ValidationAuc), run.ValAuc);
            Assert.Equal(run.History.First(e => e.ValidationAuc == run.ValAuc).Epoch, run.BestEpoch);
            Assert.True(run.EpochsRun == 8 || run.EpochsRun == run.BestEpoch + 1);
            var replay = Trainer.Predict(model, s_synthetic.Value.Validation, new BatchBuilder(s_synthetic.Value, 4096));
            Assert.Equal(run.ValAuc, FitCluster.Training.Evaluation.BinaryMetrics.Auc(replay, s_synthetic.Value.Validation.Label), 6);
            Assert.Equal(s_synthetic.Value.Test.Count, testLogits.Length);
        }
    }
}
