using FitCluster.Training.Data;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Tests.Runs;

/// <summary>Each baseline family learns the planted synthetic structure through the shared loop.</summary>
public sealed class BaselineTrainingTests
{
    private static readonly Lazy<SampleSplits> s_synthetic = new(() =>
        SampleBuilder.Build(SyntheticDataset.Generate(new SyntheticDatasetOptions { UserCount = 800 }), new SampleBuilderOptions()));

    [Theory]
    [InlineData("dat")]
    [InlineData("cold")]
    [InlineData("inttower")]
    [InlineData("ranktower")]
    [InlineData("fit-no-mqm")]
    public void Train_TwoEpochsOnSynthetic_AucClearlyAboveChance(string model)
    {
        var observer = new RecordingObserver();
        var (run, trained, testLogits) = Trainer.Train(
            s_synthetic.Value, ModelOptions.Preset(model), new TrainOptions { Epochs = 2, Seed = 1 }, observer, TestContext.Current.CancellationToken);
        trained.Dispose();
        Assert.Equal(model, run.Model);
        Assert.Equal(s_synthetic.Value.Test.Count, testLogits.Length);
        Assert.All(observer.Steps, s => Assert.True(double.IsFinite(s.Loss), $"step {s.Step}: loss {s.Loss}"));
        Assert.True(run.TestAuc > 0.65, $"{model} should learn the synthetic data, got test AUC {run.TestAuc}");
    }
}
