using System.Text.Json;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using FitCluster.Model.Tests.Artifacts;

namespace FitCluster.Model.Tests.Ranking;

public sealed class GoldenCheckTests
{
    [Fact]
    public void Verify_UnchangedArtifact_ReproducesItsGoldenScores()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        using var ranker = Ranker.Load(temp.Path);

        var worst = GoldenCheck.Verify(ranker);

        Assert.InRange(worst, 0, ranker.Artifact.Manifest.Golden.Tolerance);
        Assert.Equal(36, ranker.Artifact.Manifest.Golden.Pairs);
    }

    // Edits that keep the manifest and its seal consistent (a tool that re-seals): the checksums all pass, the scores change.
    [Theory]
    [InlineData("feature label", "serving scores")]
    [InlineData("sequence length", "serving scores")]
    [InlineData("tensor offset", "serving scores")]
    public void Verify_ConsistentlyResealedEdit_IsRefused(string edit, string expected)
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        ModelArtifactTests.WriteResealed(temp.Path, ModelArtifactTests.Edit(File.ReadAllText(temp.Combine(ModelManifest.FileName)), edit));
        using var ranker = Ranker.Load(temp.Path); // every file check passes

        var error = Assert.Throws<ArtifactException>(() => GoldenCheck.Verify(ranker));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not reproduce its model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_EmptyOrMiscountedGoldenSet_IsRefused()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var goldenPath = temp.Combine("golden.json");
        var golden = GoldenSet.Read(goldenPath);
        var manifest = ModelArtifact.Load(temp.Path).Manifest;

        File.WriteAllText(goldenPath, JsonSerializer.Serialize(golden with { Requests = [golden.Requests[0]] }, ArtifactJson.Options));
        ModelArtifact.Seal(temp.Path, manifest with { Files = new Dictionary<string, FileEntry>() });
        using (var miscounted = Ranker.Load(temp.Path))
        {
            Assert.Contains("holds 12 pairs, the manifest says 36", Assert.Throws<ArtifactException>(() => GoldenCheck.Verify(miscounted)).Message, StringComparison.Ordinal);
        }

        File.WriteAllText(goldenPath, JsonSerializer.Serialize(new GoldenSet([]), ArtifactJson.Options));
        ModelArtifact.Seal(temp.Path, manifest with { Files = new Dictionary<string, FileEntry>() });
        using var empty = Ranker.Load(temp.Path);
        Assert.Contains("golden set is empty", Assert.Throws<ArtifactException>(() => GoldenCheck.Verify(empty)).Message, StringComparison.Ordinal);
    }
}
