using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using FitCluster.Training.Export;
using FitCluster.Training.Export.Onnx;
using FitCluster.Training.Export.Onnx.Proto;
using FitCluster.Training.Models;

namespace FitCluster.Training.Tests.Export;

[Collection(ExportTestGroup.Name)]
public sealed class ArtifactExporterTests(ExportFixture fixture)
{
    public static TheoryData<string, UserTowerImplementation> Servings => new()
    {
        { "fit", UserTowerImplementation.Native },
        { "fit", UserTowerImplementation.Onnx },
        { "fit-linear", UserTowerImplementation.Native },
        { "fit-linear", UserTowerImplementation.Onnx },
        { "fit-no-lss", UserTowerImplementation.Native },
        { "fit-no-lss", UserTowerImplementation.Onnx },
        { "two-tower", UserTowerImplementation.Native },
        { "two-tower", UserTowerImplementation.Onnx },
    };

    [Theory]
    [MemberData(nameof(Servings))]
    public void Serving_ReproducesTrainerScoresAndTopK(string model, UserTowerImplementation tower)
    {
        var directory = DirectoryOf(model);
        using var ranker = Ranker.Load(directory, new InferenceOptions { UserTower = tower });
        var golden = GoldenSet.Read(ranker.Artifact.PathOf(ranker.Artifact.Manifest.Golden.File));
        Assert.True(golden.Requests.Sum(r => r.Candidates.Count) >= 1000, "the golden set must hold at least 1,000 pairs");

        foreach (var request in golden.Requests)
        {
            var scores = ranker.ScoreAll(new RankQuery(request.UserFeatures, request.Behaviours, request.Candidates, 10));
            for (var c = 0; c < scores.Length; c++)
            {
                Assert.True(Math.Abs(scores[c] - request.Scores[c]) <= 1e-4, $"{model}/{tower}: candidate {request.Candidates[c]} scored {scores[c]}, trainer {request.Scores[c]}");
            }

            var outcome = ranker.Rank(new RankQuery(request.UserFeatures, request.Behaviours, request.Candidates, 10));
            var expectedTop = Enumerable.Range(0, request.Candidates.Count)
                .OrderByDescending(c => request.Scores[c]).ThenBy(c => c).Take(10).Select(c => request.Candidates[c]);
            Assert.Equal(expectedTop, outcome.Items.Select(i => i.ItemKey));
        }
    }

    [Fact]
    public void HalfTable_WithinStatedToleranceAndHalfTheBytes()
    {
        using var single = Ranker.Load(fixture.FitDirectory);
        using var half = Ranker.Load(fixture.FitHalfDirectory);
        Assert.Equal(ArtifactExporter.HalfTolerance, half.Artifact.Manifest.Golden.Tolerance);
        Assert.Equal((2 * 64 * 4) + 2, single.Artifact.ItemFile.BytesPerItem); // Two-Tower's 128 floats + a 2-byte query index
        Assert.Equal((2 * 64 * 2) + 2, half.Artifact.ItemFile.BytesPerItem);
        var golden = GoldenSet.Read(half.Artifact.PathOf("golden.json"));
        double worst = 0;
        foreach (var request in golden.Requests)
        {
            var scores = half.ScoreAll(new RankQuery(request.UserFeatures, request.Behaviours, request.Candidates, 10));
            worst = Math.Max(worst, scores.Select((s, c) => Math.Abs(s - request.Scores[c])).Max());
        }

        Assert.InRange(worst, 0, ArtifactExporter.HalfTolerance);
    }

    [Fact]
    public void Manifest_DescribesEverythingAndRecordsVerification()
    {
        var manifest = fixture.FitManifest;
        Assert.Equal(ModelKinds.Fit, manifest.ModelKind);
        Assert.Equal(8, manifest.Dims.MetaSize);
        Assert.Equal(32, manifest.Dims.ItemAttributeDim);
        Assert.Equal(50, manifest.Dims.SequenceLength);
        Assert.Equal(fixture.Splits.Log.ItemVocabSize - 1, manifest.Dims.ItemCount);
        var ids = ModelArtifact.Load(fixture.FitDirectory).ItemFile.ReadIds().Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(1, fixture.Splits.Log.ItemVocabSize - 1).Select(fixture.Splits.Log.ItemKey).Order(StringComparer.Ordinal), ids);
        Assert.Equal(["user_id", "gender", "age", "occupation", "zip_prefix"], manifest.UserFields.Select(f => f.Name));
        Assert.Contains(manifest.Tensors, t => t.Name == "lss.projection.weight" && t.Shape.SequenceEqual([256]));
        Assert.InRange(manifest.Metrics["test_auc"], 0.0, 1.0); // recorded; 1 epoch on 400 users once ended at ≤ 0.5 (learning is tested elsewhere)
        foreach (var file in new[] { "item_table.bin", "weights.bin", "user_tower.onnx", "item_tower.onnx", "golden.json" })
        {
            Assert.Equal(ModelArtifact.Sha256(Path.Combine(fixture.FitDirectory, file)), manifest.Files[file].Sha256);
        }

        Assert.InRange(manifest.Verification["golden_max_abs_diff_native"], 0, 1e-4);
        Assert.InRange(manifest.Verification["golden_max_abs_diff_onnx"], 0, 1e-4);
        Assert.Equal(0, manifest.Verification["item_tower_query_index_mismatches"]);
        Assert.Equal(0, fixture.TwoTowerManifest.Verification["item_tower_query_index_mismatches"]);
    }

    [Theory]
    [InlineData("user_tower.onnx")]
    [InlineData("item_tower.onnx")]
    public void OnnxGraphs_AreIr8Opset17WithDeclaredInputs(string file)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(fixture.FitDirectory, file)));
        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal(string.Empty, opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal(fixture.FitManifest.ModelVersion, model.MetadataProps.Single(p => p.Key == "fitcluster.model_version").Value);
        var entry = file == "user_tower.onnx" ? fixture.FitManifest.UserTower : fixture.FitManifest.ItemTower;
        Assert.Equal(entry.Inputs.Keys.Order(), model.Graph.Input.Select(i => i.Name).Order());
        Assert.Equal(entry.Outputs.Keys.Order(), model.Graph.Output.Select(o => o.Name).Order());
        Assert.All(model.Graph.Node, n => Assert.Equal(string.Empty, n.Domain));
    }

    [Theory]
    [InlineData("fit")]
    [InlineData("fit-linear")]
    [InlineData("fit-no-lss")]
    [InlineData("two-tower")]
    public void OnnxGraphs_PassTheStandardOnnxChecker(string model)
    {
        // The reference checker is Python's onnx package (Debian: python3-onnx; ./fit's Debian 13 root includes it).
        var probe = Python("import onnx");
        Assert.SkipUnless(probe.Exit == 0, "python3 with the onnx package is not installed (apt-get install python3-onnx); the ONNX checker test needs it.");
        var directory = DirectoryOf(model);
        foreach (var file in new[] { "user_tower.onnx", "item_tower.onnx" })
        {
            var path = Path.Combine(directory, file);
            var result = Python($"import onnx; m = onnx.load('{path}'); onnx.checker.check_model(m, full_check=True); print(m.ir_version, m.opset_import[0].version)");
            Assert.True(result.Exit == 0, $"{model}/{file} fails the ONNX checker: {result.Output}");
            Assert.Equal("8 17", result.Output.Trim());
        }
    }

    [Fact]
    public void Export_ExactTargetModelOrUsedFolder_Refused()
    {
        using var temp = new TempDirectory("fit-export-refused");
        using var dinTarget = ModelFactory.Create(FeatureSchema.From(fixture.Splits.Log), ModelOptions.Preset("din-target"));
        var error = Assert.Throws<ArgumentException>(() =>
            ArtifactExporter.Export(dinTarget, fixture.Splits, null, temp.Path, new ExportOptions(), _ => { }));
        Assert.Contains("cannot be served", error.Message, StringComparison.Ordinal);

        Directory.CreateDirectory(temp.Path);
        File.WriteAllText(Path.Combine(temp.Path, "x"), "x");
        using var fit = ModelFactory.Create(FeatureSchema.From(fixture.Splits.Log), ModelOptions.Preset("fit"));
        Assert.Throws<IOException>(() => ArtifactExporter.Export(fit, fixture.Splits, null, temp.Path, new ExportOptions(), _ => { }));
    }

    private static (int Exit, string Output) Python(string code)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("python3", ["-c", code])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message); // no python3 on PATH
        }
    }

    [Fact]
    public void OnnxGraphBuilder_DuplicateNameOrBadShape_Throws()
    {
        var builder = new OnnxGraphBuilder("g", "test");
        builder.Constant("w", [1f, 2f], 2);
        Assert.Throws<InvalidOperationException>(() => builder.Constant("w", [1f], 1));
        Assert.Throws<ArgumentException>(() => builder.Constant("v", [1f, 2f, 3f], 2, 2));
    }

    private string DirectoryOf(string model) => model switch
    {
        "fit" => fixture.FitDirectory,
        "fit-linear" => fixture.FitLinearDirectory,
        "fit-no-lss" => fixture.FitNoLssDirectory,
        _ => fixture.TwoTowerDirectory,
    };
}
