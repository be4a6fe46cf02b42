using FitCluster.Training.Data;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Tests.Runs;

public sealed class TrainerTests
{
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
