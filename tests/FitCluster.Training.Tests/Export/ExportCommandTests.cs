using System.CommandLine;
using FitCluster.Model.Artifacts;
using FitCluster.Training.Cli;

namespace FitCluster.Training.Tests.Export;

public sealed class ExportCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("fit-export-cli");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TrainWithExport_ThenExportCheckpoint_SameItemTable()
    {
        var run = Path.Combine(_temp.Path, "run");
        var first = Path.Combine(_temp.Path, "a");
        var second = Path.Combine(_temp.Path, "b");
        var root = new RootCommand { TrainCommand.Create(), ExportCommand.Create() };

        Assert.Equal(0, root.Parse(["train", "--model", "fit", "--meta-size", "4", "--epochs", "1", "--max-users", "300", "--out", run, "--export", first]).Invoke());
        Assert.True(File.Exists(Path.Combine(run, DatasetReference.FileName)));
        Assert.Equal(0, root.Parse(["export", "--checkpoint", run, "--out", second, "--golden-users", "5"]).Invoke());

        var a = ModelArtifact.Load(first);
        var b = ModelArtifact.Load(second);
        Assert.Equal(a.Manifest.Files["item_table.bin"].Sha256, b.Manifest.Files["item_table.bin"].Sha256);
        Assert.Equal(a.Manifest.Files["weights.bin"].Sha256, b.Manifest.Files["weights.bin"].Sha256);
        Assert.NotEqual(a.ModelVersion, b.ModelVersion);

        var error = new StringWriter();
        var exit = root.Parse(["export", "--checkpoint", run, "--out", second]).Invoke(new InvocationConfiguration { Error = error });
        Assert.NotEqual(0, exit);
        Assert.Contains("exists and is not empty", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Export_BaselineRun_RefusedNamingServableModels()
    {
        var run = Path.Combine(_temp.Path, "dat");
        var root = new RootCommand { TrainCommand.Create(), ExportCommand.Create() };
        var trainError = new StringWriter();
        var refused = root.Parse(["train", "--model", "cold", "--epochs", "1", "--max-users", "100", "--out", run, "--export", Path.Combine(_temp.Path, "c")])
            .Invoke(new InvocationConfiguration { Error = trainError });
        Assert.NotEqual(0, refused);
        Assert.Contains("'cold' cannot be served", trainError.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(run, "metrics.json")), "train --export must refuse before training");

        Assert.Equal(0, root.Parse(["train", "--model", "dat", "--epochs", "1", "--max-users", "100", "--out", run]).Invoke());
        var error = new StringWriter();
        var exit = root.Parse(["export", "--checkpoint", run, "--out", Path.Combine(_temp.Path, "d")]).Invoke(new InvocationConfiguration { Error = error });
        Assert.NotEqual(0, exit);
        Assert.Contains("'dat' cannot be served", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("fit, two-tower", error.ToString(), StringComparison.Ordinal);
    }
}
