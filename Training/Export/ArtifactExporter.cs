using System.Diagnostics;
using System.Globalization;
using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;
using FitCluster.Model.Ranking;
using FitCluster.Training.Data;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;
using static TorchSharp.torch;

namespace FitCluster.Training.Export;

/// <summary>
/// Writes one model version as a serving artifact (docs/artifact.md) and proves it before publishing: the C# user
/// tower, the ONNX user tower, the ONNX item tower and the in-process ranker are each compared with the trainer's
/// eval-mode computation, and the export fails if any differs by more than the golden tolerance. The folder appears
/// only when complete (written beside it, then renamed).
/// </summary>
public static class ArtifactExporter
{
    /// <summary>Largest allowed |score − trainer score| with a float32 item table (logits).</summary>
    public const double SingleTolerance = 1e-4;

    /// <summary>Largest allowed |score − trainer score| with a float16 item table (heads rounded to 11 significant bits).</summary>
    public const double HalfTolerance = 0.01;

    private const int Chunk = 4096;

    /// <summary>
    /// Whether the artifact format can serve a model: Two-Tower, or FIT with its Meta Query Module and LSS (any of its
    /// training-technique variants). The baselines, the exact-target upper bound and the §5.4.1 ablations are
    /// training-only: serving has no graph for their output layers or user sides.
    /// </summary>
    public static bool CanServe(ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind == ModelKind.TwoTower
            || (options.Kind == ModelKind.Fit
                && (options.Scorer == FitScorer.Lss || (options.Scorer == FitScorer.Dot && options.TowerOutputIsLinear))
                && (!options.TowerOutputIsLinear || options.TowerHidden.Count >= 2) // a linear last layer becomes the user heads
                && options.QueryMode is not (QueryMode.ExactTarget or QueryMode.AveragePooling));
    }

    /// <summary>Throws a clear error naming the servable presets when <see cref="CanServe"/> is false.</summary>
    /// <exception cref="ArgumentException">The model cannot be served.</exception>
    public static void EnsureServable(ModelOptions options)
    {
        if (CanServe(options))
        {
            return;
        }

        var servable = ModelOptions.PresetNames.Where(name => CanServe(ModelOptions.Preset(name)));
        throw new ArgumentException(
            $"Model '{options.Name}' cannot be served by FitCluster's two-tower serving (no serving graph for its user side or output layer); " +
            $"export one of: {string.Join(", ", servable)}.", nameof(options));
    }

    /// <summary>Exports <paramref name="model"/> (eval mode is set here) trained on <paramref name="splits"/> into <paramref name="directory"/>.</summary>
    /// <param name="model">A model that <see cref="CanServe"/> accepts; any other is refused.</param>
    /// <param name="splits">The dataset (vocabularies, item attributes, test users for the golden set).</param>
    /// <param name="run">The training run's metrics, or null.</param>
    /// <param name="directory">Target folder; must not exist or be empty.</param>
    /// <param name="options">Item table precision and golden set size.</param>
    /// <param name="log">Receives one line per stage.</param>
    /// <returns>The sealed manifest.</returns>
    public static ModelManifest Export(RankingModel model, SampleSplits splits, TrainRun? run, string directory, ExportOptions options, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new IOException($"Export folder '{directory}' exists and is not empty; choose a new folder per model version.");
        }

        EnsureServable(model.Options);
        var fit = model as FitModel;

        var watch = Stopwatch.StartNew();
        model.eval();
        var interactions = splits.Log;
        var staging = directory.TrimEnd('/', '\\') + ".partial";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        var dims = Dims(model, splits);
        var isFit = fit is not null;

        var itemCount = WriteItemTable(model, interactions, dims, options.Half, Path.Combine(staging, ItemTableFile));
        var bytesPerItem = (dims.ItemHeadSize * (options.Half ? 2 : 4)) + sizeof(ushort);
        log($"item table: {itemCount:N0} items × {dims.ItemHeads} × {dims.HeadDim} ({(options.Half ? "float16" : "float32")}, {bytesPerItem} bytes per item), in hash buckets of the item id");

        var tensors = isFit ? ModelFolding.Fit(fit!, interactions) : ModelFolding.TwoTower((TwoTowerModel)model, interactions);
        var entries = WeightsFile.Write(Path.Combine(staging, WeightsFileName), tensors);
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);

        var version = ModelVersion(model, interactions.Name);
        var metadata = new Dictionary<string, string>
        {
            ["fitcluster.model_version"] = version,
            ["fitcluster.model_kind"] = isFit ? ModelKinds.Fit : ModelKinds.TwoTower,
        };
        var userFieldNames = interactions.UserFields.Select(f => f.Name).ToArray();
        File.WriteAllBytes(Path.Combine(staging, UserTowerFile), isFit
            ? OnnxGraphs.FitUserTower(byName, dims, userFieldNames, metadata)
            : OnnxGraphs.TwoTowerUserTower(byName, dims, userFieldNames, metadata));
        File.WriteAllBytes(Path.Combine(staging, ItemTowerFile), OnnxGraphs.ItemTower(ItemTowerWeightsOf(model, interactions), dims, metadata));

        var golden = GoldenSetOf(model, splits, options);
        File.WriteAllText(Path.Combine(staging, GoldenFile), System.Text.Json.JsonSerializer.Serialize(golden, ArtifactJson.Options));
        var pairs = golden.Requests.Sum(r => r.Candidates.Count);
        log($"golden set: {golden.Requests.Count} requests, {pairs:N0} user–item pairs with the trainer's eval-mode scores");

        var manifest = new ModelManifest
        {
            FormatVersion = ModelManifest.CurrentFormatVersion,
            ModelVersion = version,
            ModelKind = isFit ? ModelKinds.Fit : ModelKinds.TwoTower,
            ModelName = model.Options.Name,
            CreatedUtc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            Dataset = interactions.Name,
            Metrics = Metrics(run),
            Dims = dims,
            UserFields = interactions.UserFields.Select(f => new FeatureVocabulary(f.Name, f.Labels, f.Width)).ToArray(),
            ItemFields = interactions.ItemFields.Select(f => new FeatureVocabulary(f.Name, f.Labels, f.Width)).ToArray(),
            Scorer = isFit && model.Options.Scorer == FitScorer.Lss ? ScorerKinds.Lss : ScorerKinds.Dot,
            ItemTable = new ItemTableEntry(ItemTableFile, options.Half ? "float16" : "float32"),
            Tensors = entries,
            WeightsFile = WeightsFileName,
            UserTower = new OnnxGraphEntry(UserTowerFile,
                new Dictionary<string, IReadOnlyList<long>> { ["user_fields"] = [-1, userFieldNames.Length], ["sequence"] = [-1, -1] },
                new Dictionary<string, IReadOnlyList<long>> { ["user_heads"] = [-1, dims.MetaSize, dims.UserHeads, dims.HeadDim] }),
            ItemTower = new OnnxGraphEntry(ItemTowerFile, ItemTowerInputs(interactions), ItemTowerOutputs(dims, isFit)),
            Golden = new GoldenEntry(GoldenFile, pairs, options.Half ? HalfTolerance : SingleTolerance),
            Verification = new Dictionary<string, double>(),
            Files = new Dictionary<string, FileEntry>(),
        };
        manifest = ModelArtifact.Seal(staging, manifest);

        var verification = ArtifactVerifier.Verify(model, splits, staging, manifest, log);
        manifest = ModelArtifact.Seal(staging, manifest with { Verification = verification });

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory);
        }

        Directory.Move(staging, directory);
        log($"exported {version} to {Path.GetFullPath(directory)} in {watch.Elapsed.TotalSeconds:F1} s");
        return manifest;
    }

    internal const string ItemTableFile = "item_table.bin";
    internal const string WeightsFileName = "weights.bin";
    internal const string UserTowerFile = "user_tower.onnx";
    internal const string ItemTowerFile = "item_tower.onnx";
    internal const string GoldenFile = "golden.json";

    private static ModelDims Dims(RankingModel model, SampleSplits splits)
    {
        var o = model.Options;
        var embeddings = model is FitModel f ? f.Embeddings : ((TwoTowerModel)model).Embeddings;
        var items = splits.Log.ItemVocabSize - 1;
        if (model is FitModel && o.Scorer == FitScorer.Dot)
        {
            // FIT with the Two-Tower output (fit-no-lss): one γ-scaled, normalised head per branch and item.
            return new ModelDims(o.EmbeddingDim, embeddings.ItemAttributeDim, o.MetaSize, 1, 1, o.TowerHidden[^1], 0,
                splits.MaxSequenceLength, items, o.AttentionHidden, ModelFolding.ServedTowerHidden(o));
        }

        return model is FitModel
            ? new ModelDims(o.EmbeddingDim, embeddings.ItemAttributeDim, o.MetaSize, o.UserHeads, o.ItemHeads, o.HeadDim, o.EmbeddingDim,
                splits.MaxSequenceLength, items, o.AttentionHidden, ModelFolding.ServedTowerHidden(o))
            : new ModelDims(o.EmbeddingDim, embeddings.ItemAttributeDim, 1, 1, 1, o.TowerHidden[^1], 0,
                splits.MaxSequenceLength, items, [], o.TowerHidden);
    }

    // Every item of the vocabulary (item index i ≥ 1, raw id interactions.ItemKey(i)), computed a chunk at a time and
    // streamed into the item table writer, which groups them by hash bucket of the raw id.
    private static int WriteItemTable(RankingModel model, InteractionLog interactions, ModelDims dims, bool half, string path)
    {
        var count = interactions.ItemVocabSize - 1;
        var size = dims.ItemHeadSize;
        var metaSize = model is FitModel ? dims.MetaSize : 1;
        using var writer = new ItemTableWriter(path, dims.ItemHeads, dims.HeadDim, metaSize, half);
        var heads = new float[Chunk * size];
        var queryIndex = new ushort[Chunk];
        using var noGrad = no_grad();
        for (var start = 0; start < count; start += Chunk)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(Chunk, count - start);
            var items = arange(start + 1, start + 1 + n, dtype: ScalarType.Int64);
            Tensor rows;
            if (model is FitModel fit)
            {
                rows = fit.ItemHeads(items);                                           // z_v (FIT, eq. 12)
                var index = fit.QueryIndex(items).data<long>().ToArray();             // s (FIT, eq. 8)
                for (var i = 0; i < n; i++)
                {
                    queryIndex[i] = checked((ushort)index[i]);
                }
            }
            else
            {
                rows = ((TwoTowerModel)model).ItemRepresentation(items);               // normalised h_v (FIT, eq. 2)
            }

            rows.contiguous().data<float>().ToArray().CopyTo(heads, 0);
            for (var i = 0; i < n; i++)
            {
                writer.Add(interactions.ItemKey(start + 1 + i), start + 1 + i, queryIndex[i], heads.AsSpan(i * size, size));
            }
        }

        return writer.Complete();
    }

    private static ItemTowerWeights ItemTowerWeightsOf(RankingModel model, InteractionLog log)
    {
        var state = new StateReader(model);
        var fields = new List<ItemFieldWeights>();
        for (var i = 0; i < log.ItemFields.Count; i++)
        {
            var field = log.ItemFields[i];
            fields.Add(new ItemFieldWeights(field.Name, field.Width, ToFloat(state.Vector($"embeddings.item_fields.{i}.weight")),
                log.SequenceItemFields.Contains(field.Name)));
        }

        var isFit = model is FitModel;
        var tower = model.Options.TowerHidden;
        var layers = new List<DenseWeights>();
        var width = (1 + log.ItemFields.Count) * model.Options.EmbeddingDim;
        for (var i = 0; i < tower.Count; i++)
        {
            var activated = i < tower.Count - 1 || (isFit && !model.Options.TowerOutputIsLinear);
            var (w, b) = ModelFolding.FoldedLinear(state, "item_tower.layers", i, batchNorm: activated);
            layers.Add(new DenseWeights(ToFloat(w.Transposed()), ToFloat(b), i == 0 ? width : tower[i - 1], tower[i], activated));
        }

        DenseWeights? heads = null;
        float[]? queryGroup = null;
        if (model is FitModel { Options.Scorer: FitScorer.Dot } cosine)
        {
            queryGroup = ToFloat(ModelFolding.QueryGroup(cosine).Transposed()); // no heads layer: the graph normalises h_v
        }
        else if (model is FitModel fit)
        {
            var headWeight = state.Matrix("lss.item_heads.weight");
            heads = new DenseWeights(ToFloat(headWeight.Transposed()), ToFloat(state.Vector("lss.item_heads.bias")), tower[^1], headWeight.Rows, Relu: false);
            queryGroup = ToFloat(ModelFolding.QueryGroup(fit).Transposed());
        }

        return new ItemTowerWeights(ToFloat(state.Vector("embeddings.item_id.weight")), fields, layers, heads, queryGroup);
    }

    private static GoldenSet GoldenSetOf(RankingModel model, SampleSplits splits, ExportOptions options)
    {
        var log = splits.Log;
        var test = splits.Test;
        var random = new Random(options.Seed);
        var users = new List<int>();
        var positions = new Dictionary<int, int>();
        foreach (var sample in Enumerable.Range(0, test.Count).OrderBy(_ => random.Next()))
        {
            var user = test.User[sample];
            if (positions.TryAdd(user, test.Position[sample]))
            {
                users.Add(user);
                if (users.Count == options.GoldenUsers)
                {
                    break;
                }
            }
        }

        var requests = new List<GoldenRequest>();
        var itemCount = log.ItemVocabSize - 1;
        foreach (var user in users)
        {
            var history = SampleBuilder.History(log, user, positions[user], splits.MaxSequenceLength).ToArray();
            var candidates = new List<int>();
            var chosen = new HashSet<int>();
            for (var sample = 0; sample < test.Count; sample++)
            {
                if (test.User[sample] == user && chosen.Add(test.Item[sample]))
                {
                    candidates.Add(test.Item[sample]); // the test positive and negative
                }
            }

            var wanted = Math.Min(options.GoldenCandidates, itemCount);
            while (candidates.Count < wanted)
            {
                var item = 1 + random.Next(itemCount);
                if (chosen.Add(item))
                {
                    candidates.Add(item);
                }
            }

            var scores = EvalScores(model, log, user, history, candidates);
            var features = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in log.UserFields)
            {
                features[field.Name] = field.Labels[field.Values[user]];
            }

            requests.Add(new GoldenRequest(features, history.Select(log.ItemKey).ToArray(), candidates.Select(log.ItemKey).ToArray(), scores));
        }

        return new GoldenSet(requests);
    }

    /// <summary>The trainer's eval-mode logits of one user's history against each candidate.</summary>
    internal static float[] EvalScores(RankingModel model, InteractionLog log, int user, int[] history, IReadOnlyList<int> candidates)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = Input(log, user, history, candidates);
        return model.call(input).data<float>().ToArray();
    }

    /// <summary>A batch of one user against several candidates.</summary>
    internal static ModelInput Input(InteractionLog log, int user, int[] history, IReadOnlyList<int> candidates)
    {
        var b = candidates.Count;
        var fields = log.UserFields.Count;
        var userFields = new long[b * fields];
        var sequence = new long[b * Math.Max(history.Length, 1)];
        for (var i = 0; i < b; i++)
        {
            for (var f = 0; f < fields; f++)
            {
                userFields[(i * fields) + f] = log.UserFields[f].Values[user];
            }

            for (var l = 0; l < history.Length; l++)
            {
                sequence[(i * history.Length) + l] = history[l];
            }
        }

        return new ModelInput(
            tensor(userFields, [b, fields]),
            tensor(candidates.Select(c => (long)c).ToArray(), [b]),
            tensor(sequence, [b, Math.Max(history.Length, 1)]));
    }

    private static Dictionary<string, IReadOnlyList<long>> ItemTowerInputs(InteractionLog log)
    {
        var inputs = new Dictionary<string, IReadOnlyList<long>> { ["item_id"] = [-1] };
        foreach (var field in log.ItemFields)
        {
            inputs[field.Name] = [-1, field.Width];
        }

        return inputs;
    }

    private static Dictionary<string, IReadOnlyList<long>> ItemTowerOutputs(ModelDims dims, bool isFit)
    {
        var outputs = new Dictionary<string, IReadOnlyList<long>> { ["item_heads"] = [-1, dims.ItemHeads, dims.HeadDim] };
        if (isFit)
        {
            outputs["query_index"] = [-1];
        }

        return outputs;
    }

    private static Dictionary<string, double> Metrics(TrainRun? run) => run is null
        ? []
        : new Dictionary<string, double>
        {
            ["test_auc"] = run.TestAuc,
            ["test_logloss"] = run.TestLogloss,
            ["val_auc"] = run.ValAuc,
            ["val_logloss"] = run.ValLogloss,
            ["best_epoch"] = run.BestEpoch,
            ["epochs_run"] = run.EpochsRun,
            ["seed"] = run.Seed,
            ["samples_per_second"] = run.SamplesPerSecond,
        };

    private static string ModelVersion(RankingModel model, string dataset)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        return $"{model.Options.Name}-{dataset}-{stamp}-{Guid.NewGuid().ToString("N")[..8]}";
    }

    private static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);
}
