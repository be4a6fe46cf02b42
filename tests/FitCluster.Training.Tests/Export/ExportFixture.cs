using FitCluster.Training.Data;
using FitCluster.Training.Export;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Tests.Export;

/// <summary>
/// Trains a small FIT (also with a linear last tower layer, and as fit-no-lss) and a small Two-Tower once (synthetic data, one epoch) and exports each, in float32 and in
/// float16: the artifacts every export test reads.
/// </summary>
public sealed class ExportFixture : IDisposable
{
    private readonly TempDirectory _temp = new("fit-export");

    public ExportFixture()
    {
        Splits = SampleBuilder.Build(SyntheticDataset.Generate(new SyntheticDatasetOptions { UserCount = 400 }), new SampleBuilderOptions());
        var train = new TrainOptions { Epochs = 1, Seed = 5 };
        var fitOptions = ModelOptions.Preset("fit") with { MetaSize = 8 };
        var (fitRun, fit, _) = Trainer.Train(Splits, fitOptions, train, new NullObserver(), CancellationToken.None);
        using (fit)
        {
            FitManifest = ArtifactExporter.Export(fit, Splits, fitRun, FitDirectory, new ExportOptions { GoldenUsers = 6 }, _ => { });
            FitHalfManifest = ArtifactExporter.Export(fit, Splits, fitRun, FitHalfDirectory, new ExportOptions { GoldenUsers = 6, Half = true }, _ => { });
        }

        var linearOptions = fitOptions with { LinearTowerOutput = true };
        var (linearRun, linear, _) = Trainer.Train(Splits, linearOptions, train, new NullObserver(), CancellationToken.None);
        using (linear)
        {
            FitLinearManifest = ArtifactExporter.Export(linear, Splits, linearRun, FitLinearDirectory, new ExportOptions { GoldenUsers = 6 }, _ => { });
        }

        var cosineOptions = ModelOptions.Preset("fit-no-lss") with { MetaSize = 8 };
        var (cosineRun, cosine, _) = Trainer.Train(Splits, cosineOptions, train, new NullObserver(), CancellationToken.None);
        using (cosine)
        {
            FitNoLssManifest = ArtifactExporter.Export(cosine, Splits, cosineRun, FitNoLssDirectory, new ExportOptions { GoldenUsers = 6 }, _ => { });
        }

        var (ttRun, twoTower, _) = Trainer.Train(Splits, ModelOptions.Preset("two-tower"), train, new NullObserver(), CancellationToken.None);
        using (twoTower)
        {
            TwoTowerManifest = ArtifactExporter.Export(twoTower, Splits, ttRun, TwoTowerDirectory, new ExportOptions { GoldenUsers = 6 }, _ => { });
        }
    }

    public SampleSplits Splits { get; }

    public string FitDirectory => Path.Combine(_temp.Path, "fit");

    public string FitHalfDirectory => Path.Combine(_temp.Path, "fit-f16");

    /// <summary>FIT with a linear last tower layer (<c>--tower-output linear</c>), folded into the user heads on export.</summary>
    public string FitLinearDirectory => Path.Combine(_temp.Path, "fit-linear");

    /// <summary>fit-no-lss: MQM's early interaction with the Two-Tower output (one γ-scaled normalised head per branch).</summary>
    public string FitNoLssDirectory => Path.Combine(_temp.Path, "fit-no-lss");

    public string TwoTowerDirectory => Path.Combine(_temp.Path, "two-tower");

    public FitCluster.Model.Artifacts.ModelManifest FitManifest { get; }

    public FitCluster.Model.Artifacts.ModelManifest FitHalfManifest { get; }

    public FitCluster.Model.Artifacts.ModelManifest TwoTowerManifest { get; }

    public FitCluster.Model.Artifacts.ModelManifest FitLinearManifest { get; }

    public FitCluster.Model.Artifacts.ModelManifest FitNoLssManifest { get; }

    /// <summary>A copy of an artifact that a test may damage.</summary>
    public string CopyOf(string directory)
    {
        var copy = Path.Combine(_temp.Path, "copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(directory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    public void Dispose() => _temp.Dispose();

    private sealed class NullObserver : ITrainingObserver
    {
        public void Status(string message)
        {
        }

        public void EpochStarted(int epoch, int steps)
        {
        }

        public void StepCompleted(int epoch, int stepInEpoch, StepRecord record)
        {
        }

        public void EpochCompleted(EpochRecord record, bool improved)
        {
        }
    }
}
