using System.Text.Json;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;

namespace FitCluster.Model.Tests;

/// <summary>
/// Writes small, complete artifacts with seeded random weights (no trainer needed): a FIT or Two-Tower model over
/// a handful of users, items and features. The user tower's ONNX file is a placeholder (checksummed but never run
/// here; the trainer's export tests run real graphs); the item tower is a small real graph (<see cref="ItemTowerWeights"/>),
/// which serving runs for items written after export.
/// </summary>
public static class TestArtifact
{
    public const int EmbeddingDim = 4;
    public const int ItemCount = 40;
    public const int SequenceLength = 6;
    public static readonly string[] UserFieldNames = ["user_id", "gender"];

    /// <summary>FIT's test dimensions; <paramref name="attention"/>: the widths of the two attention layers (default 8, 4).</summary>
    public static ModelDims FitDims(int metaSize = 5, (int First, int Second)? attention = null) => new(
        EmbeddingDim, ItemAttributeDim: 8, MetaSize: metaSize, UserHeads: 2, ItemHeads: 2, HeadDim: 6, LssWidth: 4,
        SequenceLength, ItemCount, AttentionHidden: [attention?.First ?? 8, attention?.Second ?? 4], TowerHidden: [12, 10]);

    public static ModelDims TwoTowerDims() => new(
        EmbeddingDim, ItemAttributeDim: 8, MetaSize: 1, UserHeads: 1, ItemHeads: 1, HeadDim: 10, LssWidth: 0,
        SequenceLength, ItemCount, AttentionHidden: [], TowerHidden: [12, 10]);

    /// <summary>Writes a FIT artifact into <paramref name="directory"/> and returns its tensors.</summary>
    /// <remarks><paramref name="tiedPairs"/>: items i and i + <see cref="ItemCount"/>/2 for i below it share heads and query
    /// index, so every user scores them equally (exact ties: the order rule decides). <paramref name="usedBranches"/>: the
    /// items' query indices are drawn from the first that many branches only (the others are unused).</remarks>
    public static IReadOnlyDictionary<string, NamedTensor> WriteFit(
        string directory, int seed = 1, bool half = false, int metaSize = 5, string? version = null, string? createdUtc = null, int tiedPairs = 0, int? usedBranches = null,
        (int First, int Second)? attention = null)
    {
        var dims = FitDims(metaSize, attention);
        var (a0, a1) = (dims.AttentionHidden[0], dims.AttentionHidden[1]);
        var random = new Random(seed);
        var n = dims.MetaSize;
        var d = dims.ItemAttributeDim;
        var tensors = new List<NamedTensor>();
        AddEmbeddings(tensors, random, dims);
        tensors.Add(Random(random, "attention.fc0.weight", n, d, a0));
        tensors.Add(Random(random, "attention.fc0.bias", n, a0));
        AddDice(tensors, random, "attention.dice0", a0);
        tensors.Add(Random(random, "attention.fc1.weight", a0, a1));
        tensors.Add(Random(random, "attention.fc1.bias", a1));
        AddDice(tensors, random, "attention.dice1", a1);
        tensors.Add(Random(random, "attention.output.weight", a1));
        tensors.Add(Random(random, "attention.output.bias", 1));
        tensors.Add(Random(random, "user_tower.fc0.user_weight", UserFieldNames.Length * EmbeddingDim, 12));
        tensors.Add(Random(random, "user_tower.fc0.pooled_weight", d, 12));
        tensors.Add(Random(random, "user_tower.fc0.branch_bias", n, 12));
        tensors.Add(Random(random, "user_tower.fc1.weight", 12, 10));
        tensors.Add(Random(random, "user_tower.fc1.bias", 10));
        tensors.Add(Random(random, "user_heads.weight", 10, dims.UserHeadSize));
        tensors.Add(Random(random, "user_heads.bias", dims.UserHeadSize));
        tensors.Add(Random(random, "lss.row_fc.weight", 4, 2));
        tensors.Add(Random(random, "lss.row_fc.bias", 4));
        tensors.Add(Random(random, "lss.column_fc.weight", 4, 2));
        tensors.Add(Random(random, "lss.column_fc.bias", 4));
        tensors.Add(Random(random, "lss.projection.weight", 16));
        var queryIndex = new ushort[ItemCount];
        for (var i = 0; i < queryIndex.Length; i++)
        {
            queryIndex[i] = (ushort)random.Next(usedBranches ?? n);
        }

        var heads = Values(random, ItemCount * dims.ItemHeadSize);
        for (var i = 0; i < tiedPairs; i++)
        {
            var twin = i + (ItemCount / 2);
            queryIndex[twin] = queryIndex[i];
            heads.AsSpan(i * dims.ItemHeadSize, dims.ItemHeadSize).CopyTo(heads.AsSpan(twin * dims.ItemHeadSize));
        }

        return Write(directory, "fit", dims, tensors, new Rows(queryIndex, heads, half), version, createdUtc);
    }

    /// <summary>Writes a Two-Tower artifact into <paramref name="directory"/> and returns its tensors.</summary>
    public static IReadOnlyDictionary<string, NamedTensor> WriteTwoTower(string directory, int seed = 2, string? version = null)
    {
        var dims = TwoTowerDims();
        var random = new Random(seed);
        var tensors = new List<NamedTensor>();
        AddEmbeddings(tensors, random, dims);
        tensors.Add(Random(random, "user_tower.fc0.weight", (UserFieldNames.Length * EmbeddingDim) + dims.ItemAttributeDim, 12));
        tensors.Add(Random(random, "user_tower.fc0.bias", 12));
        tensors.Add(Random(random, "user_tower.fc1.weight", 12, 10));
        tensors.Add(Random(random, "user_tower.fc1.bias", 10));
        tensors.Add(new NamedTensor("two_tower.scale", [1], [4.5f]));
        var heads = Values(random, ItemCount * 10);
        return Write(directory, "two-tower", dims, tensors, new Rows(new ushort[ItemCount], heads, Half: false), version, null);
    }

    /// <summary>
    /// Writes the FIT artifact of <see cref="WriteFit"/> in the old format version 1: item keys in the manifest and an item
    /// table of layout 1 in item order (what <c>./fit upgrade</c> converts), sealed.
    /// </summary>
    public static void WriteFitFormat1(string directory, int seed = 1, bool half = false, string? version = null, string? createdUtc = null)
    {
        WriteFit(directory, seed, half, version: version, createdUtc: createdUtc);
        var shard = ItemTableFile.Open(Path.Combine(directory, "item_table.bin")).ReadShard(0, 1);
        var dims = FitDims();
        var queryIndex = new ushort[ItemCount];
        var heads = new float[ItemCount * dims.ItemHeadSize];
        for (var i = 0; i < ItemCount; i++)
        {
            var row = shard.Find(ItemKey(i));
            queryIndex[i] = shard.Items.QueryIndex[row];
            shard.Items.CopyRow(row, heads.AsSpan(i * dims.ItemHeadSize, dims.ItemHeadSize));
        }

        var table = half ? ItemTable.FromSingleAsHalf(2, 6, dims.MetaSize, queryIndex, heads) : ItemTable.FromSingle(2, 6, dims.MetaSize, queryIndex, heads);
        var tablePath = Path.Combine(directory, "item_table.bin");
        table.Write(tablePath);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllBytes(Path.Combine(directory, ModelManifest.FileName)))!.AsObject();
        manifest["format_version"] = 1;
        manifest["item_keys"] = new System.Text.Json.Nodes.JsonArray([.. Enumerable.Range(0, ItemCount).Select(i => (System.Text.Json.Nodes.JsonNode?)ItemKey(i))]);
        manifest["files"]!["item_table.bin"] = new System.Text.Json.Nodes.JsonObject
        {
            ["sha256"] = ModelArtifact.Sha256(tablePath),
            ["bytes"] = new FileInfo(tablePath).Length,
        };
        var bytes = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString());
        File.WriteAllBytes(Path.Combine(directory, ModelManifest.FileName), bytes);
        ArtifactSeal.Write(directory, bytes);
    }

    public static string ItemKey(int row) => $"m{row + 1}";

    /// <summary>
    /// The weights of the test artifacts' real (small) ONNX item tower, fixed per model kind: e_c = the sum of the genre
    /// embeddings of the item's genres (vocabulary indices, 0 = none; row 0 is zero), heads = e_c·W + E_item[item id]
    /// (<c>[H_v, p]</c> per item), and for FIT the query index argmax(e_c·Q*ᵀ) (the exported graph's shape, FIT eq. 6–8).
    /// </summary>
    public sealed record ItemTowerWeights(float[] GenreEmbedding, float[] QueryGroupT, float[] HeadWeight, float[] ItemEmbedding);

    /// <summary>The item tower weights of the artifacts <see cref="WriteFit"/> (kind "fit") and <see cref="WriteTwoTower"/> write.</summary>
    public static ItemTowerWeights ItemTowerWeightsOf(ModelDims dims, string kind)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var random = new Random(kind == "fit" ? 101 : 202);
        var d = dims.ItemAttributeDim;
        var genres = Values(random, 3 * d);
        Array.Clear(genres, 0, d); // padding
        return new ItemTowerWeights(genres, Values(random, d * dims.MetaSize), Values(random, d * dims.ItemHeadSize), Values(random, (ItemCount + 1) * dims.ItemHeadSize));
    }

    private static byte[] ItemTowerGraph(ModelDims dims, ItemTowerWeights w, bool fit)
    {
        var d = dims.ItemAttributeDim;
        var size = dims.ItemHeadSize;
        var g = new FitCluster.Model.Onnx.OnnxGraphWriter("test_item_tower")
            .Input("item_id", FitCluster.Model.Onnx.OnnxGraphWriter.Int64, "batch")
            .Input("genres", FitCluster.Model.Onnx.OnnxGraphWriter.Int64, "batch", 2L)
            .Initializer("item.embedding.genres", w.GenreEmbedding, 3, d)
            .Initializer("item.embedding.item_id", w.ItemEmbedding, ItemCount + 1, size)
            .Initializer("item_heads.weight", w.HeadWeight, d, size)
            .Initializer("axis1", [1L], 1)
            .Initializer("shape_heads", [0L, dims.ItemHeads, dims.HeadDim], 3)
            .Node("Gather", ["item.embedding.genres", "genres"], ["genre_vectors"])
            .Node("ReduceSum", ["genre_vectors", "axis1"], ["e_c"], ("keepdims", 0))
            .Node("MatMul", ["e_c", "item_heads.weight"], ["projected"])
            .Node("Gather", ["item.embedding.item_id", "item_id"], ["id_vector"])
            .Node("Add", ["projected", "id_vector"], ["heads_flat"])
            .Node("Reshape", ["heads_flat", "shape_heads"], ["item_heads"])
            .Output("item_heads", FitCluster.Model.Onnx.OnnxGraphWriter.Float, "batch", (long)dims.ItemHeads, (long)dims.HeadDim);
        if (fit)
        {
            g.Initializer("mqm.query_group_t", w.QueryGroupT, d, dims.MetaSize)
                .Node("MatMul", ["e_c", "mqm.query_group_t"], ["query_logits"])
                .Node("ArgMax", ["query_logits"], ["query_index"], ("axis", 1), ("keepdims", 0))
                .Output("query_index", FitCluster.Model.Onnx.OnnxGraphWriter.Int64, "batch");
        }

        return g.ToModel();
    }

    public static Dictionary<string, string> User(int id, string gender = "F") => new() { ["user_id"] = $"u{id}", ["gender"] = gender };

    /// <summary>Item i (id <see cref="ItemKey"/>(i), item index i + 1): its query index and heads, in item order.</summary>
    private sealed record Rows(ushort[] QueryIndex, float[] Heads, bool Half);

    private static Dictionary<string, NamedTensor> Write(string directory, string kind, ModelDims dims, List<NamedTensor> tensors, Rows table, string? version, string? createdUtc)
    {
        Directory.CreateDirectory(directory);
        var size = dims.ItemHeadSize;
        using (var writer = new ItemTableWriter(
            Path.Combine(directory, "item_table.bin"), dims.ItemHeads, dims.HeadDim, kind == "fit" ? dims.MetaSize : 1, table.Half, bucketCount: 16))
        {
            for (var i = 0; i < ItemCount; i++)
            {
                writer.Add(ItemKey(i), i + 1, table.QueryIndex[i], table.Heads.AsSpan(i * size, size));
            }

            writer.Complete();
        }

        var entries = WeightsFile.Write(Path.Combine(directory, "weights.bin"), tensors);
        File.WriteAllText(Path.Combine(directory, "user_tower.onnx"), "placeholder: not run by Model tests");
        File.WriteAllBytes(Path.Combine(directory, "item_tower.onnx"), ItemTowerGraph(dims, ItemTowerWeightsOf(dims, kind), kind == "fit"));
        File.WriteAllText(Path.Combine(directory, "golden.json"), JsonSerializer.Serialize(new GoldenSet([]), ArtifactJson.Options));
        var manifest = new ModelManifest
        {
            FormatVersion = ModelManifest.CurrentFormatVersion,
            ModelVersion = version ?? $"{kind}-test-1",
            ModelKind = kind,
            ModelName = kind,
            CreatedUtc = createdUtc ?? "2026-11-24T00:00:00Z",
            Dataset = "test",
            Metrics = new Dictionary<string, double> { ["test_auc"] = 0.5 },
            Dims = dims,
            UserFields =
            [
                new FeatureVocabulary("user_id", ["", "u1", "u2", "u3"], 1),
                new FeatureVocabulary("gender", ["", "M", "F"], 1),
            ],
            ItemFields = [new FeatureVocabulary("genres", ["", "a", "b"], 2)],
            Scorer = kind == "fit" ? ScorerKinds.Lss : ScorerKinds.Dot,
            ItemTable = new ItemTableEntry("item_table.bin", table.Half ? "float16" : "float32"),
            Tensors = entries,
            WeightsFile = "weights.bin",
            UserTower = new OnnxGraphEntry("user_tower.onnx", new Dictionary<string, IReadOnlyList<long>>(), new Dictionary<string, IReadOnlyList<long>>()),
            ItemTower = new OnnxGraphEntry("item_tower.onnx", new Dictionary<string, IReadOnlyList<long>>(), new Dictionary<string, IReadOnlyList<long>>()),
            Golden = new GoldenEntry("golden.json", 0, 1e-4),
            Verification = new Dictionary<string, double>(),
            Files = new Dictionary<string, FileEntry>(),
        };
        manifest = ModelArtifact.Seal(directory, manifest);

        // The golden set: these weights' own scores for a few users (serving re-scores it on load, as for a real export).
        var golden = GoldenRequests(directory);
        File.WriteAllText(Path.Combine(directory, "golden.json"), JsonSerializer.Serialize(golden, ArtifactJson.Options));
        ModelArtifact.Seal(directory, manifest with { Golden = manifest.Golden with { Pairs = golden.Requests.Sum(r => r.Candidates.Count) } });
        return tensors.ToDictionary(t => t.Name);
    }

    private static GoldenSet GoldenRequests(string directory)
    {
        using var ranker = new FitCluster.Model.Ranking.Ranker(ModelArtifact.Load(directory, verifyChecksums: false, requireSeal: false));
        var requests = new List<GoldenRequest>();
        for (var u = 1; u <= 3; u++)
        {
            var user = User(u, u % 2 == 0 ? "M" : "F");
            string[] behaviours = [ItemKey(u), ItemKey(u + 7), ItemKey(u + 20)];
            var candidates = Enumerable.Range(0, 12).Select(c => ItemKey(((u * 5) + (c * 3)) % ItemCount)).Distinct().ToArray();
            var scores = ranker.ScoreAll(new FitCluster.Model.Ranking.RankQuery(user, behaviours, candidates, candidates.Length));
            requests.Add(new GoldenRequest(user, behaviours, candidates, scores));
        }

        return new GoldenSet(requests);
    }

    private static void AddEmbeddings(List<NamedTensor> tensors, Random random, ModelDims dims)
    {
        tensors.Add(Random(random, "user.embedding.user_id", 4, EmbeddingDim));
        tensors.Add(Random(random, "user.embedding.gender", 3, EmbeddingDim));
        var attributes = Random(random, "item.attributes", ItemCount + 1, dims.ItemAttributeDim);
        Array.Clear(attributes.Values, 0, dims.ItemAttributeDim); // padding row
        tensors.Add(attributes);
    }

    private static void AddDice(List<NamedTensor> tensors, Random random, string prefix, int units)
    {
        tensors.Add(Random(random, $"{prefix}.scale", units));
        tensors.Add(Random(random, $"{prefix}.shift", units));
        tensors.Add(Random(random, $"{prefix}.alpha", units));
    }

    private static NamedTensor Random(Random random, string name, params int[] shape)
    {
        var size = 1;
        foreach (var dim in shape)
        {
            size *= dim;
        }

        return new NamedTensor(name, shape, Values(random, size));
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
