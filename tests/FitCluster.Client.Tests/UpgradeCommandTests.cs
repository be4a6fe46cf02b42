using System.CommandLine;
using FitCluster.Client.Cli;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Tests;

namespace FitCluster.Client.Tests;

public sealed class UpgradeCommandTests
{
    [Fact]
    public void Upgrade_Format1Folder_ReplacedByFormat2_OldKeptHidden()
    {
        using var temp = new TempDirectory();
        var folder = temp.Combine("fit");
        TestArtifact.WriteFitFormat1(folder);

        var (exit, output, error) = Run(folder);

        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Contains("upgraded to format 2", output, StringComparison.Ordinal);
        Assert.Equal("fit-test-1", ModelArtifact.Load(folder).ModelVersion);
        Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Combine(".fit.format1"))); // the old folder, still format 1
        Assert.False(Directory.Exists(folder + ".partial"));
    }

    [Fact]
    public void Upgrade_CurrentFormat_RefusedAndLeftAsItWas()
    {
        using var temp = new TempDirectory();
        var folder = temp.Combine("fit");
        TestArtifact.WriteFit(folder);
        var before = File.ReadAllBytes(Path.Combine(folder, ModelManifest.FileName));

        var (exit, _, error) = Run(folder);

        Assert.Equal(3, exit);
        Assert.Contains("only version 1", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(folder, ModelManifest.FileName)));
        Assert.False(Directory.Exists(folder + ".partial"));
        Assert.False(Directory.Exists(temp.Combine(".fit.format1")));
    }

    private static (int Exit, string Output, string Error) Run(string folder)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand { UpgradeCommand.Create() };
        var exit = root.Parse(["upgrade", folder]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
