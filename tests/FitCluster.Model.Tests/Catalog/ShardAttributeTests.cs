using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;
using FitCluster.Model.Ranking;

namespace FitCluster.Model.Tests.Catalog;

/// <summary>Shards read their items' attribute rows from <c>item.attributes</c> with their other rows (branch attr-rows).</summary>
public sealed class ShardAttributeTests
{
    private const int Dim = 3;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ReadShard_EachRowGetsTheAttributeRowOfItsOwnItemIndex(int shardCount)
    {
        using var temp = new TempDirectory();
        var items = ItemTableFileTests.Items(300, seed: 11); // item indices 1000..1299
        var file = ItemTableFile.Open(ItemTableFileTests.Write(temp, items, half: false, bucketCount: 16));
        var (weights, offset) = WriteAttributes(temp, rows: 1400);
        file.AttachAttributes(weights, offset, 1400, Dim);

        var seen = 0;
        for (var s = 0; s < shardCount; s++)
        {
            var shard = file.ReadShard(s, shardCount);
            Assert.True(shard.HasAttributes);
            for (var row = 0; row < shard.Count; row++)
            {
                Assert.Equal(Expected(shard.ItemIndexOf(row)), shard.AttributesOf(row).ToArray());
                seen++;
            }

            var known = items.First(i => shard.Find(i.Id) >= 0);
            var (indices, attributes) = RankingPlan.ResolveShardRows(shard, ["never-written", known.Id]);
            Assert.Equal([-1, known.ItemIndex], indices);
            Assert.Equal([0f, 0f, 0f, .. Expected(known.ItemIndex)], attributes);
        }

        Assert.Equal(300, seen);
    }

    [Fact]
    public void ReadShard_ItemIndexBeyondTheTensorOrShortFile_Refused()
    {
        using var temp = new TempDirectory();
        var items = ItemTableFileTests.Items(20, seed: 3); // item indices 1000..1019
        var file = ItemTableFile.Open(ItemTableFileTests.Write(temp, items, half: false, bucketCount: 4));
        var (weights, offset) = WriteAttributes(temp, rows: 1010);

        file.AttachAttributes(weights, offset, 1010, Dim);
        Assert.Contains("no row in item.attributes", Assert.Throws<ArtifactException>(() => file.ReadShard(0, 1)).Message, StringComparison.Ordinal);

        file.AttachAttributes(weights, offset, 2000, Dim); // claims more rows than the file has
        Assert.Throws<ArtifactException>(() => file.ReadShard(0, 1));
    }

    [Fact]
    public void ResolveShardRows_ShardWithoutAttributes_Throws()
    {
        var shard = ItemShard.Create(["a"], [1], ItemTable.FromSingle(1, 1, 1, [0], [1f]));
        Assert.False(shard.HasAttributes);
        Assert.Throws<InvalidOperationException>(() => RankingPlan.ResolveShardRows(shard, ["a"]));
    }

    // Row i of the tensor: (i, −i / 2, i % 7 + 0.25): every row distinct, and a transposed read would not match.
    private static float[] Expected(int row) => [row, -row / 2f, (row % 7) + 0.25f];

    private static (string Path, long Offset) WriteAttributes(TempDirectory temp, int rows)
    {
        var values = new float[rows * Dim];
        for (var i = 0; i < rows; i++)
        {
            Expected(i).CopyTo(values, i * Dim);
        }

        var path = temp.Combine("weights.bin");
        var entries = WeightsFile.Write(path, [new NamedTensor("other", [5], [1f, 2f, 3f, 4f, 5f]), new NamedTensor("item.attributes", [rows, Dim], values)]);
        return (path, entries[1].Offset);
    }
}

/// <summary>An artifact loaded with shard attributes: the tensor stays out of memory, the shards carry its rows.</summary>
public sealed class ShardAttributeArtifactTests
{
    [Fact]
    public void Load_WithShardAttributes_ShardsCarryTheTensorsRowsAndTheTensorIsNotRead()
    {
        using var temp = new TempDirectory();
        var written = TestArtifact.WriteFit(temp.Path);
        var whole = written[ModelArtifact.AttributesTensor];
        var dim = whole.Shape[1];

        var artifact = ModelArtifact.Load(temp.Path, verifyChecksums: true, requireSeal: true, shardAttributes: true);

        Assert.False(artifact.Tensors.ContainsKey(ModelArtifact.AttributesTensor));
        Assert.Equal(dim, artifact.ItemFile.AttributeDim);
        var shard = artifact.ItemFile.ReadShard(0, 1);
        Assert.Equal(artifact.ItemFile.Count, shard.Count);
        for (var row = 0; row < shard.Count; row++)
        {
            Assert.Equal(whole.Values.AsSpan(shard.ItemIndexOf(row) * dim, dim).ToArray(), shard.AttributesOf(row).ToArray());
        }

        Assert.Equal(whole.Values, artifact.ReadDeferredTensor(ModelArtifact.AttributesTensor).Values);
        Assert.Throws<ArtifactException>(() => artifact.ReadDeferredTensor("no.such.tensor"));

        var plain = ModelArtifact.Load(temp.Path);
        Assert.True(plain.Tensors.ContainsKey(ModelArtifact.AttributesTensor));
        Assert.Equal(0, plain.ItemFile.AttributeDim);
        Assert.False(plain.ItemFile.ReadShard(0, 1).HasAttributes);
    }
}

/// <summary>Behaviours resolved with their attribute rows (branch attr-rows).</summary>
public sealed class BehaviourRowsTests
{
    [Fact]
    public void GatherBehaviourRows_KeepsTheLatestKnownInRequestOrderWithTheirRows()
    {
        // Behaviours a b c d e (oldest first); shard 0 got a, c, e (c unknown), shard 1 got b, d. D = 2, L = 3.
        string[] behaviours = ["a", "b", "c", "d", "e"];
        (int[], int[], float[])[] parts =
        [
            ([0, 2, 4], [10, -1, 30], [1f, 2f, 0f, 0f, 5f, 6f]),
            ([1, 3], [20, 40], [3f, 4f, 7f, 8f]),
        ];

        var (sequence, rows, unknown) = RankingPlan.GatherBehaviourRows(behaviours, parts, sequenceLength: 3, dim: 2);

        Assert.Equal([20, 40, 30], sequence);         // b, d, e: the three latest known
        Assert.Equal([3f, 4f, 7f, 8f, 5f, 6f], rows); // their rows in the same order
        Assert.Equal(["c"], unknown);
        Assert.Throws<ArgumentException>(() => RankingPlan.GatherBehaviourRows(behaviours, [([0], [10], [1f])], 3, 2));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Ranker_WithShardAttributes_RanksAsThePlainRanker(int shardCount)
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path, seed: 9);
        using var plain = new Ranker(ModelArtifact.Load(temp.Path), shardCount: shardCount);
        using var sharded = new Ranker(ModelArtifact.Load(temp.Path, verifyChecksums: true, requireSeal: true, shardAttributes: true), shardCount: shardCount);
        Assert.False(sharded.Artifact.Tensors.ContainsKey(ModelArtifact.AttributesTensor));
        var candidates = Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey).ToArray();
        string[] behaviours = [TestArtifact.ItemKey(3), "unknown-x", TestArtifact.ItemKey(1), TestArtifact.ItemKey(4)];

        var a = plain.Rank(new RankQuery(TestArtifact.User(2), behaviours, candidates, 5));
        var b = sharded.Rank(new RankQuery(TestArtifact.User(2), behaviours, candidates, 5));

        Assert.Equal(a.Items.Select(i => i.ItemKey), b.Items.Select(i => i.ItemKey));
        Assert.Equal(a.Items.Select(i => i.Score), b.Items.Select(i => i.Score));
        Assert.Equal(["unknown-x"], b.UnknownBehaviours);
        Assert.False(sharded.Artifact.Tensors.ContainsKey(ModelArtifact.AttributesTensor));
    }
}
