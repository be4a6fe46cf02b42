using System.Globalization;
using System.Text;
using System.Text.Json;
using FitCluster.Training.Cli;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;

namespace FitCluster.Training.Tests.Cli;

public sealed class BenchCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("fit-bench");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Summarise_FinishedRuns_WritesTableSignificanceGapAndPlots()
    {
        // 200 test users; the better model separates positives from negatives more often, with seed-dependent noise.
        foreach (var (model, skill) in new[] { ("two-tower", 0.6), ("fit", 0.8), ("fit-no-lss", 0.9), ("din-target", 1.0) })
        {
            foreach (var seed in new[] { 1, 2 })
            {
                WriteRun(model, seed, skill);
            }
        }

        var markdown = BenchCommand.Summarise(_temp.Path, "ml-1m", ["two-tower", "fit", "fit-no-lss", "din-target"], [1, 2, 3]);

        Assert.Contains("| fit ", markdown, StringComparison.Ordinal);
        Assert.Contains("| 2    |", markdown, StringComparison.Ordinal); // two finished runs each; seed 3 missing is tolerated
        Assert.Contains("Gap captured by fit: (fit − two-tower) / (din-target − two-tower)", markdown, StringComparison.Ordinal);
        Assert.Contains("Gap captured by fit-no-lss: (fit-no-lss − two-tower)", markdown, StringComparison.Ordinal); // every model, not only FIT
        Assert.DoesNotContain("Gap captured by din-target", markdown, StringComparison.Ordinal);
        Assert.Contains("Paper (Table 1, ML-1M)", markdown, StringComparison.Ordinal);
        Assert.Contains("s1: Δ+", markdown, StringComparison.Ordinal); // paired bootstrap per seed, FIT ahead
        Assert.Equal(markdown, File.ReadAllText(Path.Combine(_temp.Path, "summary.md")));
        Assert.True(File.Exists(Path.Combine(_temp.Path, "summary.csv")));
        Assert.True(new FileInfo(Path.Combine(_temp.Path, "auc.png")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(_temp.Path, "curves.png")).Length > 1000);
    }

    [Fact]
    public void Summarise_BaselineMissing_StillWritesTable()
    {
        WriteRun("fit", 1, 0.8);
        var markdown = BenchCommand.Summarise(_temp.Path, "ml-1m", ["two-tower", "fit"], [1]);
        Assert.Contains("| fit ", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("| two-tower ", markdown, StringComparison.Ordinal);
    }

    private void WriteRun(string model, int seed, double skill)
    {
        var directory = Path.Combine(_temp.Path, "runs", $"{model}-s{seed}");
        Directory.CreateDirectory(directory);
        var random = new Random((seed * 31) + model.Length);
        var csv = new StringBuilder("user,label,logit\n");
        var labels = new List<float>();
        var logits = new List<float>();
        for (var user = 0; user < 200; user++)
        {
            foreach (var label in new[] { 1f, 0f })
            {
                var logit = (float)(((label - 0.5) * skill * 2) + random.NextDouble() - 0.5 + (random.NextDouble() - 0.5));
                csv.Append(CultureInfo.InvariantCulture, $"{user},{label},{logit}\n");
                labels.Add(label);
                logits.Add(logit);
            }
        }

        File.WriteAllText(Path.Combine(directory, RunWriter.PredictionsFileName), csv.ToString());
        var auc = FitCluster.Training.Evaluation.BinaryMetrics.Auc(logits.ToArray(), labels.ToArray());
        var run = new TrainRun
        {
            Model = model, Dataset = "ml-1m", Seed = seed, EpochsRun = 2, BestEpoch = 2, ValAuc = auc, ValLogloss = 0.4,
            TestAuc = auc, TestLogloss = 0.4, TrainSeconds = 10, SamplesPerSecond = 1000, EpochSeconds = 5,
            TrainSamples = 10_000, ValidationSamples = 2_000, TestSamples = 400, Parameters = 1, Threads = 2,
            History = [new EpochRecord(1, 0.5, auc - 0.01, 0.45, 5, 1000, null, null), new EpochRecord(2, 0.45, auc, 0.4, 5, 1000, null, null)],
            ModelOptions = ModelOptions.Preset(model), TrainOptions = new TrainOptions { Seed = seed }, CreatedUtc = "2026-11-24T00:00:00Z",
        };
        File.WriteAllText(Path.Combine(directory, RunWriter.MetricsFileName), JsonSerializer.Serialize(run, RunWriter.Json));
    }
}
