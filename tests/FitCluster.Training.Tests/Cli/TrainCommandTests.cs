using System.CommandLine;
using System.Text.Json;
using FitCluster.Training.Cli;

namespace FitCluster.Training.Tests.Cli;

public sealed class TrainCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("fit-train");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Invoke_SyntheticTwoTower_WritesMetricsAndArtifacts()
    {
        var exit = new RootCommand { TrainCommand.Create() }
            .Parse(["train", "--dataset", "synthetic", "--model", "two-tower", "--epochs", "1", "--seed", "4", "--max-users", "400", "--batch-size", "256", "--out", _temp.Path])
            .Invoke();
        Assert.Equal(0, exit);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_temp.Path, "metrics.json")));
        var root = metrics.RootElement;
        foreach (var key in new[] { "model", "dataset", "seed", "epochs_run", "best_epoch", "val_auc", "test_auc", "test_logloss", "train_seconds", "samples_per_second" })
        {
            Assert.True(root.TryGetProperty(key, out _), $"metrics.json lacks '{key}'");
        }

        Assert.Equal("two-tower", root.GetProperty("model").GetString());
        Assert.Equal("synthetic", root.GetProperty("dataset").GetString());
        Assert.Equal(4, root.GetProperty("seed").GetInt32());
        Assert.InRange(root.GetProperty("test_auc").GetDouble(), 0.7, 1.0); // 0.84 here: at batch 256 one epoch learns (at 2,048 it sat at 0.50 ± 0.02)
        foreach (var file in new[] { "checkpoint.bin", "model.json", "history.csv", "steps.csv", "test_predictions.csv", "training.png" })
        {
            Assert.True(new FileInfo(Path.Combine(_temp.Path, file)).Length > 0, $"{file} missing or empty");
        }

        var (users, labels, logits) = RunWriter.ReadPredictions(_temp.Path);
        Assert.Equal(800, users.Length); // 400 users × (positive + negative)
        Assert.Equal(users.Length, labels.Length);
        Assert.All(logits, l => Assert.False(float.IsNaN(l)));
    }

    [Fact]
    public void Invoke_MovieLensWithoutFiles_FailsWithClearMessage()
    {
        var error = new StringWriter();
        var parse = new RootCommand { TrainCommand.Create() }.Parse(["train", "--dataset", "ml-1m", "--data", _temp.Path, "--out", _temp.Path]);
        var exit = parse.Invoke(new InvocationConfiguration { Error = error });
        Assert.NotEqual(0, exit);
        Assert.Contains("does not hold the MovieLens-1M files", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_temp.Path, "metrics.json")));
    }

    [Theory]
    [InlineData("fit-cir", "--contrastive-weight", "-0.1", "--contrastive-weight must be a finite number")]
    [InlineData("fit-cir", "--contrastive-weight", "NaN", "--contrastive-weight must be a finite number")]
    [InlineData("fit", "--tower-output", "tanh", "--tower-output must be relu or linear; got 'tanh'")]
    public void Invoke_BadModelOption_FailsBeforeTraining(string model, string option, string value, string message)
    {
        var error = new StringWriter();
        var exit = new RootCommand { TrainCommand.Create() }
            .Parse(["train", "--model", model, option, value, "--epochs", "1", "--max-users", "50", "--out", _temp.Path])
            .Invoke(new InvocationConfiguration { Error = error });
        Assert.NotEqual(0, exit);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_temp.Path, "metrics.json")));
    }

    [Fact]
    public void Invoke_UnknownModel_FailsNamingKnownModels()
    {
        var error = new StringWriter();
        var exit = new RootCommand { TrainCommand.Create() }
            .Parse(["train", "--model", "dssm++", "--out", _temp.Path])
            .Invoke(new InvocationConfiguration { Error = error });
        Assert.NotEqual(0, exit);
        Assert.Contains("two-tower", error.ToString(), StringComparison.Ordinal);
    }
}
