using System.Text;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;

namespace FitCluster.Model.Tests.Catalog;

public sealed class ItemShardTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(5_000)]
    public void FindAll_AnswersEveryIdAsADictionaryOfTheRowsDoes(int rows)
    {
        var random = new Random(rows);
        var ids = Enumerable.Range(0, rows).Select(r => Id(random, r)).ToArray();
        var shard = ItemShard.Create(ids, [.. Enumerable.Range(1, rows)], ItemTable.FromSingle(1, 1, 1, new ushort[rows], new float[rows]));
        var oracle = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < rows; r++)
        {
            oracle.Add(ids[r], r);
        }

        // Known ids in shuffled order, some twice, and unknown ones: a prefix, an id with one more byte, case changed.
        var query = new List<string>();
        for (var i = 0; i < 3 * rows; i++)
        {
            query.Add(ids[random.Next(rows)]);
        }

        query.AddRange(["", ids[0] + "x", ids[0][..^1], ids[0].ToUpperInvariant() + "Ω", "never-written", new string('z', 600)]);
        var found = new int[query.Count];

        shard.FindAll(query, found);

        for (var i = 0; i < query.Count; i++)
        {
            Assert.Equal(oracle.TryGetValue(query[i], out var expected) ? expected : -1, found[i]);
            Assert.Equal(shard.Find(query[i]), found[i]);
        }
    }

    [Fact]
    public void FindAll_EmptyAndWrongLengths()
    {
        var shard = ItemShard.Create(["a", "b"], [1, 2], ItemTable.FromSingle(1, 1, 1, new ushort[2], new float[2]));
        shard.FindAll([], Span<int>.Empty);
        Assert.Throws<ArgumentException>(() => shard.FindAll(["a"], new int[2]));
        var found = new int[3];
        shard.FindAll(["b", "a", "c"], found);
        Assert.Equal([1, 0, -1], found);
    }

    // Ids of every UTF-8 length class (1–4 bytes a character) and lengths up to 1,024 bytes, distinct by the row number.
    private static string Id(Random random, int row)
    {
        string[] pieces = ["item", "é", "文字", "🎬", "-", "Ω"];
        var text = new StringBuilder($"{row}:");
        var extra = random.Next(0, row % 97 == 0 ? 200 : 6);
        for (var i = 0; i < extra; i++)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        Assert.InRange(Encoding.UTF8.GetByteCount(text.ToString()), 1, 1_024);
        return text.ToString();
    }
}
