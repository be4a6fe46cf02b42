using FitCluster.Model.Artifacts;
using FitCluster.Model.Onnx;
using FitCluster.Model.Ranking;

namespace FitCluster.Model.Tests.Towers;

/// <summary>
/// The serving item tower over the test artifact's real ONNX graph, against the tower computed by hand: heads, the
/// learned id kept, unseen values as 0, and FIT's query index restricted to the branches the artifact's items use.
/// </summary>
public sealed class ItemTowerTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    [Fact]
    public void Run_HeadsAndQueryIndex_EqualTheTowerByHand_OnlyUsedBranches()
    {
        var directory = _folder.Combine("fit");
        TestArtifact.WriteFit(directory, seed: 4, usedBranches: 2);
        var artifact = ModelArtifact.Load(directory);
        using var runtime = new ModelRuntime(artifact);
        var tower = runtime.ItemTower;
        var dims = artifact.Manifest.Dims;
        Assert.Equal([0, 1], artifact.ItemFile.UsedBranches.ToArray().Select(b => (int)b));

        // Every pair of genre indices (0 = none), new items and item 7's learned id.
        var pairs = (from a in Enumerable.Range(0, 3) from b in Enumerable.Range(0, 3) select (a, b)).ToList();
        long[] ids = [.. pairs.Select((_, i) => i % 2 == 0 ? 0L : 7L)];
        var genres = new long[pairs.Count * 2];
        for (var i = 0; i < pairs.Count; i++)
        {
            (genres[2 * i], genres[(2 * i) + 1]) = (pairs[i].a, pairs[i].b);
        }

        var heads = new float[pairs.Count * dims.ItemHeadSize];
        var queryIndex = new ushort[pairs.Count];
        tower.Run(ids, [genres], heads, queryIndex);

        var w = TestArtifact.ItemTowerWeightsOf(dims, "fit");
        var d = dims.ItemAttributeDim;
        var restricted = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            var e = new double[d];
            for (var j = 0; j < d; j++)
            {
                e[j] = w.GenreEmbedding[(pairs[i].a * d) + j] + w.GenreEmbedding[(pairs[i].b * d) + j];
            }

            for (var c = 0; c < dims.ItemHeadSize; c++)
            {
                var expected = (double)w.ItemEmbedding[(ids[i] * dims.ItemHeadSize) + c];
                for (var j = 0; j < d; j++)
                {
                    expected += e[j] * w.HeadWeight[(j * dims.ItemHeadSize) + c];
                }

                Assert.Equal(expected, heads[(i * dims.ItemHeadSize) + c], 1e-4);
            }

            var logits = Enumerable.Range(0, dims.MetaSize).Select(n => Enumerable.Range(0, d).Sum(j => e[j] * w.QueryGroupT[(j * dims.MetaSize) + n])).ToArray();
            var best = Array.IndexOf(logits, logits.Max());
            var bestUsed = logits[0] >= logits[1] ? 0 : 1;
            restricted += best > 1 ? 1 : 0;
            Assert.Equal(bestUsed, queryIndex[i]);
        }

        Assert.True(restricted > 0, "no case where the unrestricted best branch is unused: the restriction went untested");
    }

    [Fact]
    public void Vocabularies_IndexLabels_UnseenIsZero_UnknownFieldIsMinusOne()
    {
        var directory = _folder.Combine("fit");
        TestArtifact.WriteFit(directory);
        using var runtime = new ModelRuntime(ModelArtifact.Load(directory));

        var vocabularies = runtime.ItemVocabularies;

        Assert.Equal(0, vocabularies.FieldOf("genres"));
        Assert.Equal(-1, vocabularies.FieldOf("colour"));
        Assert.Equal((1, 2, 0, 0), (vocabularies.IndexOf(0, "a"), vocabularies.IndexOf(0, "b"), vocabularies.IndexOf(0, "c"), vocabularies.IndexOf(0, string.Empty)));
    }

    [Fact]
    public void OnnxModelEdit_FindsTheQueryLogits_AndRefusesTornBytes()
    {
        var directory = _folder.Combine("fit");
        TestArtifact.WriteFit(directory);
        var bytes = File.ReadAllBytes(Path.Combine(directory, "item_tower.onnx"));

        var node = OnnxModelEdit.FindNode(bytes, "MatMul", 1, "mqm.query_group_t");

        Assert.NotNull(node);
        Assert.Equal(["e_c", "mqm.query_group_t"], node.Value.Inputs);
        Assert.Equal(["query_logits"], node.Value.Outputs);
        Assert.Null(OnnxModelEdit.FindNode(bytes, "MatMul", 1, "absent"));
        Assert.Throws<InvalidDataException>(() => OnnxModelEdit.FindNode(bytes.AsSpan(0, bytes.Length - 3), "MatMul", 1, "mqm.query_group_t"));
    }

    public void Dispose() => _folder.Dispose();
}
