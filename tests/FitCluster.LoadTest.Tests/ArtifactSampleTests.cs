using FitCluster.Model.Catalog;
using FitCluster.Model.Tests;

namespace FitCluster.LoadTest.Tests;

public sealed class ArtifactSampleTests
{
    [Fact]
    public void Load_ReadsVersionItemsSequenceLengthAndGoldenUsers()
    {
        using var directory = new TempDirectory();
        using (var writer = new ItemTableWriter(directory.Combine("items.bin"), 1, 2, 1, half: false))
        {
            foreach (var id in new[] { "1", "2", "3" })
            {
                writer.Add(id, int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), 0, [1f, 2f]);
            }

            writer.Complete();
        }

        File.WriteAllText(directory.Combine("manifest.json"), """
            {"format_version": 2, "model_version": "fit-test-1", "dims": {"sequence_length": 50, "item_count": 3},
             "item_table": {"file": "items.bin", "data_type": "float32"}, "user_fields": [{"name": "user_id", "labels": ["", "7"], "width": 1}]}
            """);
        File.WriteAllText(directory.Combine("golden.json"), """
            {"requests": [{"user_features": {"user_id": "7", "age": 25}, "behaviours": ["1"], "candidates": ["2"], "scores": [0.5]}]}
            """);

        var sample = ArtifactSample.Load(directory.Path);

        Assert.Equal("fit-test-1", sample.ModelVersion);
        Assert.Equal(["1", "2", "3"], sample.ItemKeys.Order(StringComparer.Ordinal));
        Assert.Equal(50, sample.SequenceLength);
        var user = Assert.Single(sample.Users);
        Assert.Equal("7", user["user_id"]);
        Assert.Equal("25", user["age"]);
    }

    [Fact]
    public void Load_MissingGolden_ThrowsNamingTheFile()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("manifest.json"), """{"model_version": "v", "dims": {"sequence_length": 5}, "item_table": {"file": "items.bin"}}""");

        var error = Assert.Throws<InvalidDataException>(() => ArtifactSample.Load(directory.Path));

        Assert.Contains("golden.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestWithoutItemTable_Throws()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("manifest.json"), """{"model_version": "v", "dims": {"sequence_length": 5}}""");
        File.WriteAllText(directory.Combine("golden.json"), """{"requests": []}""");

        var error = Assert.Throws<InvalidDataException>(() => ArtifactSample.Load(directory.Path));

        Assert.Contains("item_table", error.Message, StringComparison.Ordinal);
    }
}
