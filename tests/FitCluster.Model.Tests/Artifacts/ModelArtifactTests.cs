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
        Assert.Equal(TestArtifact.ItemCount, artifact.ItemFile.Count);
        var rows = artifact.ItemFile.ReadItems(["m5", "nope"]);
        Assert.Equal(1, rows.Count);
        Assert.Equal(5, rows.ItemIndexOf(rows.Find("m5")));
        Assert.Equal(-1, rows.Find("nope"));
        Assert.Equal(2, artifact.UserFieldIndex(1, "F"));
        Assert.Equal(0, artifact.UserFieldIndex(1, "X"));
        Assert.Equal(5, artifact.Manifest.Files.Count);
    }

    [Fact]
    public void Load_FlippedByteInAnyChecksummedFile_FailsNamingIt()
    {
        // Every file the manifest checksums, read from the manifest (a file added later is covered too), plus the five
        // this artifact is known to hold, so an empty or shrunken list cannot pass silently.
        using var pristine = new TempDirectory();
        TestArtifact.WriteFit(pristine.Path);
        var files = ModelArtifact.Load(pristine.Path).Manifest.Files.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["golden.json", "item_table.bin", "item_tower.onnx", "user_tower.onnx", "weights.bin"], files);

        foreach (var file in files)
        {
            using var temp = new TempDirectory();
            TestArtifact.WriteFit(temp.Path);
            var path = temp.Combine(file);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x40; // the middle: inside the payload, not a trailing newline or padding
            File.WriteAllBytes(path, bytes);

            var error = Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path));
            Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
            Assert.Contains(file, error.Message, StringComparison.Ordinal);
        }
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
        WriteResealed(temp.Path, manifest.ToJsonString());
        Assert.Contains("format version 99", Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path)).Message, StringComparison.Ordinal);

        WriteResealed(temp.Path, "{ \"format_version\": 1, ");
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
        WriteResealed(temp.Path, manifest.ToJsonString());

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
        WriteResealed(temp.Path, manifest.ToJsonString());

        var error = Assert.Throws<ArtifactException>(() => FitCluster.Model.Ranking.Ranker.Load(temp.Path));
        Assert.Contains("lss.", error.Message, StringComparison.Ordinal);
    }

    // The three edits an operator test made to a served artifact: each changed scores and went unnoticed before sealing.
    // (The third was an item key; ids now live in the item table, under its checksum, and a shorter sequence stands in.)
    public static TheoryData<string> ManifestEdits => ["feature label", "tensor offset", "sequence length"];

    [Theory]
    [MemberData(nameof(ManifestEdits))]
    public void Load_ManifestEditedAfterSealing_FailsSeal(string edit)
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var path = temp.Combine(ModelManifest.FileName);
        File.WriteAllText(path, Edit(File.ReadAllText(path), edit));

        var error = Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path));
        Assert.Contains("seal", error.Message, StringComparison.OrdinalIgnoreCase);
        var inspection = ModelArtifact.Inspect(temp.Path);
        Assert.True(inspection.Sealed);
        Assert.Null(inspection.Manifest);
        Assert.Contains("seal", inspection.Problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Load_NoSeal_FailsAndInspectCallsItUnfinished()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        File.Delete(temp.Combine(ArtifactSeal.FileName));

        Assert.Contains("no SEALED file", Assert.Throws<ArtifactException>(() => ModelArtifact.Load(temp.Path)).Message, StringComparison.Ordinal);
        var inspection = ModelArtifact.Inspect(temp.Path);
        Assert.False(inspection.Sealed);
        Assert.Null(inspection.Manifest);
    }

    [Fact]
    public void Inspect_FileStillBeingCopied_NamesItWithoutHashing()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var table = temp.Combine("item_table.bin");
        var full = new FileInfo(table).Length;
        using (var stream = new FileStream(table, FileMode.Open))
        {
            stream.SetLength(full / 2); // a copy that has written half of the file so far
        }

        var inspection = ModelArtifact.Inspect(temp.Path);

        Assert.True(inspection.Sealed);
        Assert.Contains($"'item_table.bin' is {full / 2:N0} bytes, the manifest says {full:N0}", inspection.Problem, StringComparison.Ordinal);
        Assert.Equal(ModelArtifact.Inspect(temp.Path).Problem, inspection.Problem);
    }

    [Fact]
    public void SealExisting_UnsealedCompleteFolder_SealsIt_RefusesABrokenOrSealedOne()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var seal = File.ReadAllText(temp.Combine(ArtifactSeal.FileName));
        File.Delete(temp.Combine(ArtifactSeal.FileName));

        ModelArtifact.SealExisting(temp.Path);

        Assert.Equal(seal, File.ReadAllText(temp.Combine(ArtifactSeal.FileName)));
        Assert.Equal("fit-test-1", ModelArtifact.Load(temp.Path).ModelVersion);
        Assert.Contains("already sealed", Assert.Throws<ArtifactException>(() => ModelArtifact.SealExisting(temp.Path)).Message, StringComparison.Ordinal);

        File.Delete(temp.Combine(ArtifactSeal.FileName));
        var weights = temp.Combine("weights.bin");
        var bytes = File.ReadAllBytes(weights);
        bytes[100] ^= 1;
        File.WriteAllBytes(weights, bytes);
        Assert.Contains("SHA-256", Assert.Throws<ArtifactException>(() => ModelArtifact.SealExisting(temp.Path)).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine(ArtifactSeal.FileName)));
    }

    /// <summary>Applies one of <see cref="ManifestEdits"/> to a manifest's text.</summary>
    internal static string Edit(string manifestJson, string edit)
    {
        var manifest = JsonNode.Parse(manifestJson)!;
        switch (edit)
        {
            case "feature label":
                var labels = manifest["user_fields"]![1]!["labels"]!.AsArray(); // gender: "", "M", "F" → "", "F", "M"
                (labels[1], labels[2]) = (labels[2]!.DeepClone(), labels[1]!.DeepClone());
                break;
            case "tensor offset":
                var tensor = manifest["tensors"]!.AsArray().First(t => (string?)t!["name"] == "user_heads.bias")!;
                tensor["offset"] = (long)tensor["offset"]! + 4;
                break;
            case "sequence length":
                manifest["dims"]!["sequence_length"] = 2; // the golden users' 3 behaviours: the oldest is dropped
                break;
            default:
                throw new ArgumentException(edit, nameof(edit));
        }

        return manifest.ToJsonString();
    }

    /// <summary>Writes a manifest and a seal that matches it: a consistent edit, as a tool that re-seals would make.</summary>
    internal static void WriteResealed(string directory, string manifestJson)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(manifestJson);
        File.WriteAllBytes(Path.Combine(directory, ModelManifest.FileName), bytes);
        ArtifactSeal.Write(directory, bytes);
    }
}
