using System.CommandLine;
using System.Text.Json;
using FitCluster.Training.Cli;

namespace FitCluster.Training.Tests.Cli;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fit-train-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Invoke_SyntheticTwoTower_WritesMetricsAndArtifacts()
    {
        var exit = new RootCommand { TrainCommand.Create() }
            .Parse(["train", "--dataset", "synthetic", "--model", "two-tower", "--epochs", "1", "--seed", "4", "--max-users", "400", "--out", _directory])
            .Invoke();
        Assert.Equal(0, exit);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "metrics.json")));
        var root = metrics.RootElement;
        foreach (var key in new[] { "model", "dataset", "seed", "epochs_run", "best_epoch", "val_auc", "test_auc", "test_logloss", "train_seconds", "samples_per_second" })
        {
            Assert.True(root.TryGetProperty(key, out _), $"metrics.json lacks '{key}'");
        }

        Assert.Equal("two-tower", root.GetProperty("model").GetString());
        Assert.Equal("synthetic", root.GetProperty("dataset").GetString());
        Assert.Equal(4, root.GetProperty("seed").GetInt32());
        Assert.InRange(root.GetProperty("test_auc").GetDouble(), 0.5, 1.0);
        foreach (var file in new[] { "checkpoint.bin", "model.json", "history.csv", "steps.csv", "test_predictions.csv", "training.png" })
        {
            Assert.True(new FileInfo(Path.Combine(_directory, file)).Length > 0, $"{file} missing or empty");
        }

        var (users, labels, logits) = RunWriter.ReadPredictions(_directory);
        Assert.Equal(800, users.Length); // 400 users × (positive + negative)
        Assert.Equal(users.Length, labels.Length);
        Assert.All(logits, l => Assert.False(float.IsNaN(l)));
    }

    [Fact]
    public void Invoke_MovieLensWithoutFiles_FailsWithClearMessage()
    {
        var error = new StringWriter();
        var parse = new RootCommand { TrainCommand.Create() }.Parse(["train", "--dataset", "ml-1m", "--data", _directory, "--out", _directory]);
        var exit = parse.Invoke(new InvocationConfiguration { Error = error });
        Assert.NotEqual(0, exit);
        Assert.Contains("does not hold the MovieLens-1M files", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "metrics.json")));
    }

    [Fact]
    public void Invoke_UnknownModel_FailsNamingKnownModels()
    {
        var error = new StringWriter();
        var exit = new RootCommand { TrainCommand.Create() }
            .Parse(["train", "--model", "dssm++", "--out", _directory])
            .Invoke(new InvocationConfiguration { Error = error });
        Assert.NotEqual(0, exit);
        Assert.Contains("two-tower", error.ToString(), StringComparison.Ordinal);
    }
}
