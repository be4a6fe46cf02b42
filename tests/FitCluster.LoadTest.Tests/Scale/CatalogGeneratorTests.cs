using FitCluster.LoadTest.Scale;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Onnx;
using FitCluster.Model.Ranking;
using FitCluster.Model.Tests;

namespace FitCluster.LoadTest.Tests.Scale;

/// <summary>
/// Catalogs from a small FIT artifact whose item tower is a real ONNX graph written here (e_c = [id embedding ‖ sum of
/// genre embeddings], heads = e_c · W, s = argmax(e_c · Q*ᵀ)); the expected rows are computed in plain C# beside it.
/// </summary>
public sealed class CatalogGeneratorTests : IDisposable
{
    private const int D = 8;          // TestArtifact's item attribute width: 4 (id) + 4 (genres)
    private const int E = 4;
    private const int RowSize = 12;   // H_v × p = 2 × 6
    private const int N = 5;
    private const int Items = 9_000;  // > one batch of CatalogGenerator.BatchSize
    private readonly TempDirectory _temp = new();
    private readonly float[] _idTable;
    private readonly float[] _genreTable;
    private readonly float[] _headWeight;
    private readonly float[] _queryGroupT;
    private readonly ModelArtifact _source;

    public CatalogGeneratorTests()
    {
        var random = new Random(5);
        _idTable = Values(random, (TestArtifact.ItemCount + 1) * E); // row 0 (new items) deliberately non-zero
        _genreTable = [0, 0, 0, 0, /* a */ 1, 0, 0.5f, 0, /* b */ 0, 1, -0.25f, 0];
        _headWeight = Values(random, D * RowSize);
        // Q*ᵀ [D, N]: branch 0 follows genre a, branch 1 genre b, the others score 0, so generated items spread over branches.
        _queryGroupT = new float[D * N];
        for (var j = 0; j < E; j++)
        {
            _queryGroupT[((E + j) * N) + 0] = 10 * _genreTable[(1 * E) + j];
            _queryGroupT[((E + j) * N) + 1] = 10 * _genreTable[(2 * E) + j];
        }
        var directory = _temp.Combine("source");
        TestArtifact.WriteFit(directory);
        var manifest = ModelArtifact.Load(directory).Manifest;
        File.WriteAllBytes(Path.Combine(directory, "item_tower.onnx"), ItemTowerGraph()); // the placeholder replaced, then re-sealed
        ModelArtifact.Seal(directory, manifest with { Files = new Dictionary<string, FileEntry>() });
        _source = ModelArtifact.Load(directory);
    }

    [Fact]
    public void Ensure_Float32_SourceRowsKept_GeneratedRowsAreTheItemTowersOutput()
    {
        var directory = _temp.Combine("catalog");
        var (manifest, generated) = CatalogGenerator.Ensure(_source, directory, Items, half: false, seed: 3, progress: null, TestContext.Current.CancellationToken);

        Assert.True(generated);
        var catalog = ModelArtifact.Load(directory); // sealed, every checksum and dimension checked
        Assert.Equal(manifest.ModelVersion, catalog.ModelVersion);
        Assert.Equal(CatalogGenerator.ModelVersionOf(_source.ModelVersion, Items, half: false, seed: 3), catalog.ModelVersion);
        var items = catalog.ItemFile.ReadShard(0, 1);
        var sourceItems = _source.ItemFile.ReadShard(0, 1);
        Assert.Equal(Items, catalog.ItemFile.Count);
        Assert.Equal(Items, items.Count);
        Assert.Equal(Items, catalog.Manifest.Dims.ItemCount);
        Assert.Equal(ModelManifest.CurrentFormatVersion, catalog.Manifest.FormatVersion);
        Assert.DoesNotContain("item_keys", File.ReadAllText(Path.Combine(directory, ModelManifest.FileName)), StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory + ".partial"));
        Assert.Empty(Directory.GetDirectories(directory)); // the table writer's spill folder is gone

        var attributes = catalog.Tensors["item.attributes"].Values;
        var sourceAttributes = _source.Tensors["item.attributes"].Values;
        var row = new float[RowSize];
        var sourceRow = new float[RowSize];
        for (var r = 0; r < TestArtifact.ItemCount; r++)
        {
            var at = items.Find(TestArtifact.ItemKey(r)); // the source's item of item index r + 1 keeps its id and index
            var sourceAt = sourceItems.Find(TestArtifact.ItemKey(r));
            Assert.True(at >= 0, $"source item {TestArtifact.ItemKey(r)} missing from the catalog");
            Assert.Equal(r + 1, items.ItemIndexOf(at));
            items.Items.CopyRow(at, row);
            sourceItems.Items.CopyRow(sourceAt, sourceRow);
            Assert.Equal(sourceRow, row);
            Assert.Equal(sourceItems.Items.QueryIndex[sourceAt], items.Items.QueryIndex[at]);
            Assert.Equal(sourceAttributes.AsSpan((r + 1) * D, D).ToArray(), attributes.AsSpan((r + 1) * D, D).ToArray());
        }

        var features = new SyntheticItems(_source.Manifest.ItemFields, 3);
        var genres = new long[2];
        var queryIndices = new HashSet<int>();
        for (var r = TestArtifact.ItemCount; r < Items; r++)
        {
            features.Fill(r, 1, [genres]);
            var (expectedAttributes, expectedHeads, expectedQuery) = Expected(genres);
            var at = items.Find($"syn-{r}");
            Assert.True(at >= 0, $"generated item syn-{r} missing from the catalog");
            Assert.Equal(r + 1, items.ItemIndexOf(at));
            items.Items.CopyRow(at, row);
            AssertClose(expectedHeads, row);
            AssertClose(expectedAttributes, attributes.AsSpan((r + 1) * D, D).ToArray());
            Assert.Equal(expectedQuery, items.Items.QueryIndex[at]);
            queryIndices.Add(expectedQuery);
        }

        Assert.True(queryIndices.Count > 1, "the generated items all share one query index: a weak test");
        using var ranker = new Ranker(catalog);
        GoldenCheck.Verify(ranker); // the source's golden set still holds over the catalog
    }

    [Fact]
    public void Ensure_Float16_TheFloat32CatalogRounded()
    {
        CatalogGenerator.Ensure(_source, _temp.Combine("fp32"), Items, half: false, seed: 3, null, TestContext.Current.CancellationToken);
        var single = ModelArtifact.Load(_temp.Combine("fp32"));
        CatalogGenerator.Ensure(_source, _temp.Combine("fp16"), Items, half: true, seed: 3, null, TestContext.Current.CancellationToken);
        var half = ModelArtifact.Load(_temp.Combine("fp16"));

        var singleItems = single.ItemFile.ReadShard(0, 1);
        var halfItems = half.ItemFile.ReadShard(0, 1);
        Assert.True(half.ItemFile.IsHalf);
        Assert.True(halfItems.Items.IsHalf);
        Assert.False(singleItems.Items.IsHalf);
        Assert.Equal(CatalogWriter.HalfGoldenTolerance, half.Manifest.Golden.Tolerance);
        Assert.Equal(_source.Manifest.Golden.Tolerance, single.Manifest.Golden.Tolerance);
        using (var ranker = new Ranker(half))
        {
            GoldenCheck.Verify(ranker); // the trainer's float32 scores, within the float16 tolerance
        }

        Assert.Equal(Items, halfItems.Count);
        var size = singleItems.Items.RowSize;
        for (var r = 0; r < singleItems.Count; r++)
        {
            var at = halfItems.Find(singleItems.IdOf(r));
            Assert.Equal(singleItems.ItemIndexOf(r), halfItems.ItemIndexOf(at));
            Assert.Equal(singleItems.Items.QueryIndex[r], halfItems.Items.QueryIndex[at]);
            for (var i = 0; i < size; i++)
            {
                Assert.Equal((Half)singleItems.Items.SingleHeads[(r * size) + i], halfItems.Items.HalfHeads[(at * size) + i]);
            }
        }
    }

    [Fact]
    public void Ensure_SameSettingsAgain_ReusesTheSealedCatalog_AnotherSeedRegenerates()
    {
        var directory = _temp.Combine("catalog");
        var cancellation = TestContext.Current.CancellationToken;
        CatalogGenerator.Ensure(_source, directory, 5_000, half: false, seed: 1, null, cancellation);
        var table = File.ReadAllBytes(Path.Combine(directory, CatalogWriter.TableFileName));

        var (_, again) = CatalogGenerator.Ensure(_source, directory, 5_000, half: false, seed: 1, null, cancellation);
        var (_, reseeded) = CatalogGenerator.Ensure(_source, directory, 5_000, half: false, seed: 2, null, cancellation);

        Assert.False(again);
        Assert.True(reseeded);
        Assert.NotEqual(table, File.ReadAllBytes(Path.Combine(directory, CatalogWriter.TableFileName)));
        CatalogGenerator.Ensure(_source, directory, 5_000, half: false, seed: 1, null, cancellation);
        Assert.Equal(table, File.ReadAllBytes(Path.Combine(directory, CatalogWriter.TableFileName))); // deterministic bytes
    }

    [Fact]
    public void SourceKeysOf_IdsInItemIndexOrder_NotBucketOrder()
    {
        var keys = CatalogKeys.SourceKeysOf(_source);

        Assert.Equal(Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey), keys);
        Assert.NotEqual(keys, _source.ItemFile.ReadIds()); // the table stores them by bucket: a real reordering
    }

    [Theory]
    [InlineData(new[] { 1, 3 })]    // a gap: item index 3 of a 2-item manifest
    [InlineData(new[] { 2, 2 })]    // a repeat
    public void SourceKeysOf_ItemIndicesNotExactlyOneToM_Refused(int[] itemIndex)
    {
        var path = _temp.Combine("odd_table.bin");
        using (var writer = new FitCluster.Model.Catalog.ItemTableWriter(path, 1, 2, 1, half: false, bucketCount: 4))
        {
            writer.Add("a", itemIndex[0], 0, [1f, 2f]);
            writer.Add("b", itemIndex[1], 0, [3f, 4f]);
            writer.Complete();
        }

        var items = FitCluster.Model.Catalog.ItemTableFile.Open(path).ReadShard(0, 1);
        var error = Assert.Throws<ArtifactException>(() => CatalogKeys.SourceKeysOf(items, 2, "odd"));
        Assert.Contains("exactly 1..2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ensure_FewerItemsThanTheSource_Refused() =>
        Assert.Throws<ArgumentException>(() => CatalogGenerator.Ensure(_source, _temp.Combine("small"), 10, half: false, seed: 1, null, TestContext.Current.CancellationToken));

    [Fact]
    public void AttributesTensorName_TheMatMulWithTheQueryGroup() => Assert.Equal("e_c", ItemTowerSession.AttributesTensorName(ItemTowerGraph()));

    public void Dispose() => _temp.Dispose();

    // The oracle: e_c = [id row 0 ‖ Σ genre rows], heads = e_c · W, s = argmax(e_c · Q*ᵀ), for an item with id 0.
    private (float[] Attributes, float[] Heads, ushort Query) Expected(long[] genres)
    {
        var attributes = new float[D];
        for (var j = 0; j < E; j++)
        {
            attributes[j] = _idTable[j];
            foreach (var g in genres)
            {
                attributes[E + j] += _genreTable[(g * E) + j];
            }
        }

        var heads = new float[RowSize];
        for (var c = 0; c < RowSize; c++)
        {
            for (var k = 0; k < D; k++)
            {
                heads[c] += attributes[k] * _headWeight[(k * RowSize) + c];
            }
        }

        var best = 0;
        var bestLogit = float.NegativeInfinity;
        for (var b = 0; b < N; b++)
        {
            var logit = 0f;
            for (var k = 0; k < D; k++)
            {
                logit += attributes[k] * _queryGroupT[(k * N) + b];
            }

            if (logit > bestLogit)
            {
                (best, bestLogit) = (b, logit);
            }
        }

        return (attributes, heads, (ushort)best);
    }

    private byte[] ItemTowerGraph() => new OnnxGraphWriter("test_item_tower")
        .Input("item_id", OnnxGraphWriter.Int64, "batch")
        .Input("genres", OnnxGraphWriter.Int64, "batch", 2)
        .Output("item_heads", OnnxGraphWriter.Float, "batch", 2, 6)
        .Output("query_index", OnnxGraphWriter.Int64, "batch")
        .Initializer("item.embedding.item_id", _idTable, TestArtifact.ItemCount + 1, E)
        .Initializer("item.embedding.genres", _genreTable, 3, E)
        .Initializer("item_heads.weight", _headWeight, D, RowSize)
        .Initializer(ItemTowerSession.QueryGroupInitializer, _queryGroupT, D, N)
        .Initializer("axes_1", new long[] { 1 }, 1)
        .Initializer("heads_shape", new long[] { 0, 2, 6 }, 3)
        .Node("Gather", ["item.embedding.item_id", "item_id"], ["id_embedding"], ("axis", 0))
        .Node("Gather", ["item.embedding.genres", "genres"], ["genre_embeddings"], ("axis", 0))
        .Node("ReduceSum", ["genre_embeddings", "axes_1"], ["genre_sum"], ("keepdims", 0))
        .Node("Concat", ["id_embedding", "genre_sum"], ["e_c"], ("axis", 1))
        .Node("MatMul", ["e_c", "item_heads.weight"], ["heads_flat"])
        .Node("Reshape", ["heads_flat", "heads_shape"], ["item_heads"])
        .Node("MatMul", ["e_c", ItemTowerSession.QueryGroupInitializer], ["query_logits"])
        .Node("ArgMax", ["query_logits"], ["query_index"], ("axis", 1), ("keepdims", 0))
        .ToModel();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"value {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private static float[] Values(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
}
