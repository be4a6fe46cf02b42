using System.CommandLine;
using FitCluster.Model.Artifacts;
using FitCluster.Training.Cli;
using FitCluster.Training.Data.Schema;

namespace FitCluster.Training.Tests.Export;

/// <summary><c>train --dataset SCHEMA.json --export</c> and <c>export</c> of such a run: the artifact's feature names and
/// vocabularies are the schema's.</summary>
public sealed class SchemaDatasetExportTests : IDisposable
{
    private readonly TempDirectory _temp = new("fit-schema-export");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TrainAndExport_SchemaDataset_ArtifactUsesTheSchemasFeatureNamesAndValues()
    {
        var data = Path.Combine(_temp.Path, "data");
        var schema = GeneratedLog.Write(data, behaviours: 6_000, users: 120, items: 200, format: "csv");
        var run = Path.Combine(_temp.Path, "run");
        var first = Path.Combine(_temp.Path, "a");
        var second = Path.Combine(_temp.Path, "b");
        var root = new RootCommand { TrainCommand.Create(), ExportCommand.Create() };

        Assert.Equal(0, root.Parse(["train", "--dataset", schema, "--model", "fit", "--meta-size", "4", "--epochs", "1", "--out", run, "--export", first]).Invoke());
        Assert.Equal(0, root.Parse(["export", "--checkpoint", run, "--out", second, "--golden-users", "3"]).Invoke());

        foreach (var artifact in new[] { ModelArtifact.Load(first), ModelArtifact.Load(second) })
        {
            var manifest = artifact.Manifest;
            Assert.Equal("generated", manifest.Dataset);
            Assert.Equal(["user_id", "age", "segment"], manifest.UserFields.Select(f => f.Name));
            Assert.Equal(["category", "tags"], manifest.ItemFields.Select(f => f.Name));
            Assert.Equal(["", "<18", "[18,25)", "[25,35)", "[35,50)", "[50,65)", ">=65"], manifest.UserFields[1].Labels);
            Assert.Equal(["", "f", "m", "x"], manifest.UserFields[2].Labels);
            Assert.Equal(2, manifest.ItemFields[1].Width); // tags: two per item
        }
    }

    [Fact]
    public void DisplayNameAndReference_SchemaFile_UseTheSchemasNameAndAbsolutePath()
    {
        var schema = Path.Combine(_temp.Path, "s.json");
        Directory.CreateDirectory(_temp.Path);
        File.WriteAllText(schema, """{ "name": "shop", "behaviours": { "file": "log.csv", "user": "u", "item": "i", "time": "t" } }""");

        Assert.True(DatasetSource.IsSchema(schema));
        Assert.False(DatasetSource.IsSchema("ml-1m"));
        Assert.Equal("shop", DatasetSource.DisplayName(schema));
        Assert.Equal("ml-1m", DatasetSource.DisplayName("ml-1m"));
        Assert.Equal(Path.GetFullPath(schema), DatasetSource.Reference(schema));
    }
}
