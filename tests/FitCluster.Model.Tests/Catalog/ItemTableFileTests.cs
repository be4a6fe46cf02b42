using System.Text;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;

namespace FitCluster.Model.Tests.Catalog;

public sealed class ItemTableFileTests
{
    private const int HeadSize = 3 * 2;

    [Fact]
    public void Fnv1a_KnownVectors()
    {
        // The published FNV-1a 32-bit test vectors (isthe.com/chongo/tech/comp/fnv).
        Assert.Equal(0x811c9dc5u, ItemIdHash.Fnv1a(string.Empty));
        Assert.Equal(0xe40c292cu, ItemIdHash.Fnv1a("a"));
        Assert.Equal(0xbf9cf968u, ItemIdHash.Fnv1a("foobar"));
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 3)]
    [InlineData(true, 4)]
    public void ReadShard_ReadsExactlyTheShardsOwnRows(bool half, int shardCount)
    {
        using var temp = new TempDirectory();
        var items = Items(300, seed: 7);
        var path = Write(temp, items, half, bucketCount: 16);
        var file = ItemTableFile.Open(path);
        Assert.Equal(300, file.Count);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < shardCount; s++)
        {
            var before = file.RowsRead;
            var shard = file.ReadShard(s, shardCount);
            var expected = items.Where(i => (OwnFnv1a(i.Id) % 16) % (uint)shardCount == s).ToList();

            Assert.Equal(expected.Count, file.RowsRead - before); // the rows read from the file: this shard's, no others
            Assert.Equal(expected.Count, shard.Count);
            Assert.Equal(expected.Count, file.RowsInShard(s, shardCount));
            foreach (var item in expected)
            {
                var row = shard.Find(item.Id);
                Assert.True(row >= 0, $"shard {s} lacks {item.Id}");
                Assert.Equal(item.Id, shard.IdOf(row));
                Assert.Equal(item.ItemIndex, shard.ItemIndexOf(row));
                Assert.Equal(item.QueryIndex, shard.Items.QueryIndex[row]);
                var heads = new float[HeadSize];
                shard.Items.CopyRow(row, heads);
                Assert.Equal(half ? [.. item.Heads.Select(h => (float)(Half)h)] : item.Heads, heads);
                Assert.True(seen.Add(item.Id));
            }

            foreach (var other in items.Except(expected))
            {
                Assert.Equal(-1, shard.Find(other.Id));
            }
        }

        Assert.Equal(items.Count, seen.Count);
        Assert.Equal(300, file.RowsRead);
    }

    [Fact]
    public void ReadShard_RowsOrderedByBucketThenArrival()
    {
        using var temp = new TempDirectory();
        var items = Items(60, seed: 3);
        var file = ItemTableFile.Open(Write(temp, items, half: false, bucketCount: 5));
        var shard = file.ReadShard(0, 1);

        var expected = items.Select((item, arrival) => (item.Id, Bucket: OwnFnv1a(item.Id) % 5, arrival))
            .OrderBy(x => x.Bucket).ThenBy(x => x.arrival).Select(x => x.Id).ToArray();
        Assert.Equal(expected, Enumerable.Range(0, shard.Count).Select(shard.IdOf).ToArray());
        Assert.Equal(expected, file.ReadIds().ToArray());
    }

    [Fact]
    public void ReadItems_MaterializesOnlyTheNamedKnownRows()
    {
        using var temp = new TempDirectory();
        var items = Items(100, seed: 11);
        var file = ItemTableFile.Open(Write(temp, items, half: false, bucketCount: 8));

        var subset = file.ReadItems([items[5].Id, items[42].Id, "not-an-item", items[99].Id]);

        Assert.Equal(3, subset.Count);
        Assert.Equal(3, file.RowsRead);
        Assert.Equal(items[42].ItemIndex, subset.ItemIndexOf(subset.Find(items[42].Id)));
        Assert.Equal(-1, subset.Find("not-an-item"));
        Assert.Equal(-1, subset.Find(items[6].Id));
    }

    [Fact]
    public void UsedBranches_AreTheDistinctQueryIndices()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("items.bin");
        using (var writer = new ItemTableWriter(path, 3, 2, metaSize: 6, half: false))
        {
            writer.Add("a", 1, 4, new float[HeadSize]);
            writer.Add("b", 2, 1, new float[HeadSize]);
            writer.Add("c", 3, 4, new float[HeadSize]);
            writer.Complete();
        }

        Assert.Equal(new ushort[] { 1, 4 }, ItemTableFile.Open(path).UsedBranches.ToArray());
    }

    [Fact]
    public void Complete_RepeatedId_ThrowsAndLeavesNoFile()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("items.bin");
        using var writer = new ItemTableWriter(path, 3, 2, 2, half: false);
        writer.Add("x", 1, 0, new float[HeadSize]);
        writer.Add("y", 2, 1, new float[HeadSize]);
        writer.Add("x", 3, 1, new float[HeadSize]);

        Assert.Contains("'x'", Assert.Throws<ArgumentException>(() => writer.Complete()).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Add_BadValues_Throw()
    {
        using var temp = new TempDirectory();
        using var writer = new ItemTableWriter(temp.Combine("items.bin"), 3, 2, 2, half: false);
        Assert.Throws<ArgumentException>(() => writer.Add("q", 1, 2, new float[HeadSize]));
        Assert.Throws<ArgumentException>(() => writer.Add("h", 1, 0, new float[HeadSize - 1]));
        Assert.Throws<ArgumentException>(() => writer.Add("n", 1, 0, [0, 0, float.NaN, 0, 0, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Add("i", 0, 0, new float[HeadSize]));
        Assert.Throws<ArgumentException>(() => writer.Add(string.Empty, 1, 0, new float[HeadSize]));
        Assert.Equal(0, writer.Count);
    }

    [Fact]
    public void Open_TruncatedOrOldLayout_ThrowsWithReason()
    {
        using var temp = new TempDirectory();
        var path = Write(temp, Items(10, seed: 1), half: false, bucketCount: 4);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^2]);
        Assert.Contains("truncated", Assert.Throws<ArtifactException>(() => ItemTableFile.Open(path)).Message, StringComparison.Ordinal);

        ItemTable.FromSingle(1, 2, 1, [0, 0], [1f, 2f, 3f, 4f]).Write(path); // layout version 1
        Assert.Contains("./fit upgrade", Assert.Throws<ArtifactException>(() => ItemTableFile.Open(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadShard_RowInWrongBucket_ThrowsArtifactException()
    {
        using var temp = new TempDirectory();
        // Two ids of equal length in different buckets of 2; the file's bytes of the first are overwritten with the second.
        var first = "id00";
        var other = Enumerable.Range(1, 99).Select(i => $"id{i:D2}").First(id => OwnFnv1a(id) % 2 != OwnFnv1a(first) % 2);
        var path = Write(temp, [new(first, 1, 0, new float[HeadSize])], half: false, bucketCount: 2);
        var bytes = File.ReadAllBytes(path);
        var at = Encoding.ASCII.GetString(bytes).IndexOf(first, StringComparison.Ordinal);
        Encoding.ASCII.GetBytes(other).CopyTo(bytes, at);
        File.WriteAllBytes(path, bytes);

        var file = ItemTableFile.Open(path);
        var error = Assert.Throws<ArtifactException>(() => file.ReadShard(0, 1));
        Assert.Contains("does not hash", error.Message, StringComparison.Ordinal);
    }

    internal static string Write(TempDirectory temp, IReadOnlyList<TestItem> items, bool half, int bucketCount, string name = "items.bin")
    {
        var path = temp.Combine(name);
        using var writer = new ItemTableWriter(path, 3, 2, 5, half, bucketCount);
        foreach (var item in items)
        {
            writer.Add(item.Id, item.ItemIndex, item.QueryIndex, item.Heads);
        }

        Assert.Equal(items.Count, writer.Complete());
        return path;
    }

    internal static List<TestItem> Items(int count, int seed)
    {
        var random = new Random(seed);
        var items = new List<TestItem>(count);
        for (var i = 0; i < count; i++)
        {
            var id = i % 7 == 0 ? $"é-{i}-ü" : $"item{random.Next(1_000_000)}-{i}";
            var heads = new float[HeadSize];
            for (var h = 0; h < heads.Length; h++)
            {
                heads[h] = (float)((random.NextDouble() * 4) - 2);
            }

            items.Add(new TestItem(id, 1000 + i, (ushort)random.Next(5), heads));
        }

        return items;
    }

    // The test's own FNV-1a (not the production one): offset basis 2166136261, prime 16777619, over UTF-8 bytes.
    internal static uint OwnFnv1a(string id)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            hash ^= b;
            hash *= 16777619u;
        }

        return hash;
    }

    internal sealed record TestItem(string Id, int ItemIndex, ushort QueryIndex, float[] Heads);
}
