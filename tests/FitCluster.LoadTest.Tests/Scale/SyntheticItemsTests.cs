using FitCluster.LoadTest.Scale;
using FitCluster.Model.Artifacts;

namespace FitCluster.LoadTest.Tests.Scale;

public sealed class SyntheticItemsTests
{
    private static readonly FeatureVocabulary[] s_fields =
    [
        new("genres", ["", "a", "b", "c", "d", "e"], 3),
        new("year", ["", "1990", "2000"], 1),
        new("empty", [""], 2),
    ];

    [Fact]
    public void Fill_SameRowsInAnyBatching_SameValues()
    {
        var items = new SyntheticItems(s_fields, Seed: 7);
        var whole = Buffers(100);
        items.Fill(1_000, 100, whole);

        for (var row = 0; row < 100; row += 37) // batches of 37, 37, 26
        {
            var rows = Math.Min(37, 100 - row);
            var part = Buffers(rows);
            items.Fill(1_000 + row, rows, part);
            for (var f = 0; f < s_fields.Length; f++)
            {
                var width = s_fields[f].Width;
                Assert.Equal(whole[f].AsSpan(row * width, rows * width).ToArray(), part[f].AsSpan(0, rows * width).ToArray());
            }
        }
    }

    [Fact]
    public void Fill_EveryRow_ValuesInVocabularyDistinctAndPadded()
    {
        var buffers = Buffers(500);
        new SyntheticItems(s_fields, Seed: 1).Fill(40, 500, buffers);

        var counts = new HashSet<int>();
        for (var i = 0; i < 500; i++)
        {
            var genres = buffers[0].AsSpan(i * 3, 3).ToArray();
            var present = genres.TakeWhile(v => v != 0).ToArray();
            Assert.InRange(present.Length, 1, 3);
            Assert.All(genres.Skip(present.Length), v => Assert.Equal(0, v));   // padding only after the values
            Assert.All(present, v => Assert.InRange(v, 1, 5));                   // never the padding row, never past the vocabulary
            Assert.Equal(present.Length, present.Distinct().Count());
            counts.Add(present.Length);
            Assert.InRange(buffers[1][i], 1, 2);
            Assert.Equal(0, buffers[2][i * 2]);                                  // a vocabulary with only padding
            Assert.Equal(0, buffers[2][(i * 2) + 1]);
        }

        Assert.Equal([1, 2, 3], counts.Order());
    }

    [Fact]
    public void Fill_AnotherSeed_OtherValues()
    {
        var one = Buffers(200);
        var other = Buffers(200);
        new SyntheticItems(s_fields, Seed: 1).Fill(0, 200, one);
        new SyntheticItems(s_fields, Seed: 2).Fill(0, 200, other);

        Assert.NotEqual(one[0], other[0]);
    }

    [Fact]
    public void KeyOf_PrefixAndRow() => Assert.Equal("syn-1234567", SyntheticItems.KeyOf(1_234_567));

    [Fact]
    public void CatalogKeys_SourceKeysThenGenerated()
    {
        var keys = new CatalogKeys(["7", "x", "42"], 6);

        Assert.Equal(["7", "x", "42", "syn-3", "syn-4", "syn-5"], keys);
        Assert.Equal("syn-4", keys[4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => keys[6]);
    }

    private static List<long[]> Buffers(int rows) => [.. s_fields.Select(f => new long[rows * f.Width])];
}
