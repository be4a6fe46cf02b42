using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using FitCluster.Model.Towers;
using FitCluster.Training.Data;
using FitCluster.Training.Models;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace FitCluster.Training.Export;

/// <summary>
/// Checks a freshly written artifact against the model that produced it: golden scores through the in-process
/// ranker with both user tower implementations, every branch's user heads, and the ONNX item tower over every item.
/// </summary>
internal static class ArtifactVerifier
{
    /// <summary>Largest allowed difference of a user head value between serving and the trainer.</summary>
    private const double HeadTolerance = 1e-3;

    public static Dictionary<string, double> Verify(RankingModel model, SampleSplits splits, string directory, ModelManifest manifest, Action<string> log)
    {
        var artifact = ModelArtifact.Load(directory);
        var golden = GoldenSet.Read(artifact.PathOf(manifest.Golden.File));
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var implementation in new[] { UserTowerImplementation.Native, UserTowerImplementation.Onnx })
        {
            using var ranker = new Ranker(artifact, new InferenceOptions { UserTower = implementation });
            double worst = 0;
            foreach (var request in golden.Requests)
            {
                var scores = ranker.ScoreAll(new RankQuery(request.UserFeatures, request.Behaviours, request.Candidates, request.Candidates.Count));
                for (var c = 0; c < scores.Length; c++)
                {
                    worst = Math.Max(worst, Math.Abs(scores[c] - request.Scores[c]));
                }
            }

            var name = implementation == UserTowerImplementation.Native ? "native" : "onnx";
            result[$"golden_max_abs_diff_{name}"] = worst;
            if (!(worst <= manifest.Golden.Tolerance))
            {
                throw new ArtifactException(
                    $"Export verification failed: the {name} user tower's golden scores differ from the trainer's by up to {worst:G3} (tolerance {manifest.Golden.Tolerance:G3}).");
            }

            // Every exported branch is checked, also those the served tower skips because no item uses them.
            using var allBranches = implementation == UserTowerImplementation.Native && manifest.ModelKind == ModelKinds.Fit
                ? NativeFitUserTower.FromTensors(artifact.Tensors, manifest.Dims, manifest.UserFields)
                : null;
            result[$"user_heads_max_abs_diff_{name}"] = UserHeadsDifference(model, splits, ranker, allBranches ?? ranker.UserTower, golden);
            if (!(result[$"user_heads_max_abs_diff_{name}"] <= HeadTolerance))
            {
                throw new ArtifactException(
                    $"Export verification failed: the {name} user tower's heads differ from the trainer's by up to {result[$"user_heads_max_abs_diff_{name}"]:G3}.");
            }
        }

        var (headDiff, indexMismatches) = ItemTowerDifference(artifact, splits.Log);
        result["item_tower_max_abs_diff"] = headDiff;
        result["item_tower_query_index_mismatches"] = indexMismatches;
        var headLimit = artifact.ItemFile.IsHalf ? 1e-2 : HeadTolerance;
        if (!(headDiff <= headLimit) || indexMismatches > Math.Max(1, artifact.ItemFile.Count / 1000))
        {
            throw new ArtifactException(
                $"Export verification failed: the ONNX item tower differs from the item table by up to {headDiff:G3}, with {indexMismatches} query index mismatches.");
        }

        log($"verified: golden max |Δ| native {result["golden_max_abs_diff_native"]:G3}, onnx {result["golden_max_abs_diff_onnx"]:G3}; " +
            $"user heads max |Δ| {result["user_heads_max_abs_diff_native"]:G3}; item tower max |Δ| {headDiff:G3}, {indexMismatches} query index mismatches");
        return result;
    }

    // Every branch's user heads of the golden users: serving vs the trainer (FIT: UserHeadsAllBranches; Two-Tower: γ·h_u).
    private static double UserHeadsDifference(RankingModel model, SampleSplits splits, Ranker ranker, IUserTower tower, GoldenSet golden)
    {
        double worst = 0;
        foreach (var request in golden.Requests)
        {
            var user = ranker.ResolveUser(request.UserFeatures, request.Behaviours);
            var served = new float[tower.BranchCount * tower.HeadSize];
            tower.Compute(user.Fields, user.Behaviours, served);
            float[] expected;
            using (var scope = NewDisposeScope())
            using (var noGrad = no_grad())
            {
                var userIndex = user.Fields[0] - 1; // the first user field is the user id, whose vocabulary index is user index + 1
                var input = ArtifactExporter.Input(splits.Log, userIndex, user.Behaviours, [1]);
                expected = model switch
                {
                    FitModel { Scorer: CosineScorer cosine } fit => (fit.UserHeadsAllBranches(input) * cosine.Scale).contiguous().data<float>().ToArray(),
                    FitModel fit => fit.UserHeadsAllBranches(input).contiguous().data<float>().ToArray(),
                    TwoTowerModel twoTower => (twoTower.UserRepresentation(input) * twoTower.Scale).contiguous().data<float>().ToArray(),
                    _ => throw new InvalidOperationException("Only FIT and Two-Tower are exported."),
                };
            }

            for (var i = 0; i < expected.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(expected[i] - served[i]));
            }
        }

        return worst;
    }

    private static (double MaxDiff, int IndexMismatches) ItemTowerDifference(ModelArtifact artifact, InteractionLog log)
    {
        using var session = new InferenceSession(artifact.PathOf(artifact.Manifest.ItemTower.File));
        var count = artifact.ItemFile.Count;
        var table = artifact.ItemFile.ReadShard(0, 1); // the exporter checks every item: the whole table, once
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = i + 1;
        }

        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(ids, [count]) };
        var inputs = new Dictionary<string, OrtValue> { ["item_id"] = values[0] };
        try
        {
            foreach (var field in log.ItemFields)
            {
                var data = new long[count * field.Width];
                for (var i = 0; i < data.Length; i++)
                {
                    data[i] = field.Values[field.Width + i]; // rows 1..count
                }

                var value = OrtValue.CreateTensorValueFromMemory(data, [count, field.Width]);
                values.Add(value);
                inputs[field.Name] = value;
            }

            var isFit = artifact.Manifest.ModelKind == ModelKinds.Fit;
            string[] names = isFit ? ["item_heads", "query_index"] : ["item_heads"];
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputs, names);
            var heads = outputs[0].GetTensorDataAsSpan<float>();
            var row = new float[table.Items.RowSize];
            double worst = 0;
            for (var r = 0; r < count; r++)
            {
                table.Items.CopyRow(r, row);
                var item = table.ItemIndexOf(r) - 1; // the item tower's output row of this table row's item
                for (var k = 0; k < row.Length; k++)
                {
                    worst = Math.Max(worst, Math.Abs(row[k] - heads[(item * row.Length) + k]));
                }
            }

            var mismatches = 0;
            if (isFit)
            {
                var index = outputs[1].GetTensorDataAsSpan<long>();
                for (var r = 0; r < count; r++)
                {
                    mismatches += index[table.ItemIndexOf(r) - 1] == table.Items.QueryIndex[r] ? 0 : 1;
                }
            }

            return (worst, mismatches);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }
}
