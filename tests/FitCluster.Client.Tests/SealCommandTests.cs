using System.CommandLine;
using FitCluster.Client.Cli;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Tests;

namespace FitCluster.Client.Tests;

public sealed class SealCommandTests
{
    [Fact]
    public void Seal_CompleteUnsealedFolder_VerifiesAndSeals()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        File.Delete(temp.Combine(ArtifactSeal.FileName));

        var (exit, output, error) = Run(temp.Path);

        Assert.Equal(0, exit);
        Assert.Contains("golden set reproduced", output, StringComparison.Ordinal);
        Assert.Empty(error);
        Assert.Equal("fit-test-1", ModelArtifact.Load(temp.Path).ModelVersion);
    }

    [Fact]
    public void Seal_FolderThatDoesNotReproduceItsGoldenSet_StaysUnsealed()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        File.Delete(temp.Combine(ArtifactSeal.FileName));
        // Swap two user-feature labels in the manifest and fix its checksums: the files agree, the scores do not.
        var manifest = ModelArtifact.Load(temp.Path, requireSeal: false).Manifest;
        var gender = manifest.UserFields[1];
        FeatureVocabulary swapped = new(gender.Name, [gender.Labels[0], gender.Labels[2], gender.Labels[1]], gender.Width);
        ModelArtifact.Seal(temp.Path, manifest with { UserFields = [manifest.UserFields[0], swapped] });
        File.Delete(temp.Combine(ArtifactSeal.FileName));

        var (exit, _, error) = Run(temp.Path);

        Assert.Equal(3, exit);
        Assert.Contains("does not reproduce its model", error, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine(ArtifactSeal.FileName)));
    }

    private static (int Exit, string Output, string Error) Run(string folder)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand { SealCommand.Create() };
        var exit = root.Parse(["seal", folder]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
