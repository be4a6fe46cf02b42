using System.Text.Json.Nodes;
using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Tests.Artifacts;

public sealed class ModelArtifactTests
{
    [Fact]
    public void Load_ValidArtifact_ResolvesIdsAndValues()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);

        var artifact = ModelArtifact.Load(temp.Path);

        Assert.Equal("fit-test-1", artifact.ModelVersion);
        Assert.Equal(TestArtifact.ItemCount, artifact.Items.Count);
        Assert.Equal(4, artifact.ItemRow("m5"));
        Assert.Equal(-1, artifact.ItemRow("nope"));
        Assert.Equal(2, artifact.UserFieldIndex(1, "F"));
        Assert.Equal(0, artifact.UserFieldIndex(1, "X"));
        Assert.Equal(5, artifact.Manifest.Files.Count);
    }

    [Theory]
    [InlineData("item_table.bin")]
    [InlineData("weights.bin")]
    [InlineData("user_tower.onnx")]
    public void Load_FlippedByte_FailsChecksum(string file)
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var path = temp.Combine(file);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path));
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFileOrManifest_Fails()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        File.Delete(temp.Combine("weights.bin"));
        Assert.Contains("missing", Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path)).Message, StringComparison.Ordinal);

        File.Delete(temp.Combine(ModelManifest.FileName));
        Assert.Contains("not a FitCluster model artifact", Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherFormatVersionOrMalformedJson_Fails()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var path = temp.Combine(ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        manifest["format_version"] = 99;
        File.WriteAllText(path, manifest.ToJsonString());
        Assert.Contains("format version 99", Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path)).Message, StringComparison.Ordinal);

        File.WriteAllText(path, "{ \"format_version\": 1, ");
        Assert.Contains("malformed", Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DimsDisagreeWithTable_Fails()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var path = temp.Combine(ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        manifest["dims"]!["head_dim"] = 7;
        File.WriteAllText(path, manifest.ToJsonString());

        var error = Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path));
        Assert.Contains("item table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranker_TensorShapeMismatch_FailsWithTensorName()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var path = temp.Combine(ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        manifest["dims"]!["lss_width"] = 3;
        File.WriteAllText(path, manifest.ToJsonString());

        var error = Assert.Throws<ArtifactException>(() => FitCluster.Model.Ranking.Ranker.Load(temp.Path));
        Assert.Contains("lss.", error.Message, StringComparison.Ordinal);
    }
}
