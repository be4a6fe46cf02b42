namespace FitCluster.Grains.Tests;

public sealed class ShardMapTests
{
    [Fact]
    public void Fnv1a_KnownVectors()
    {
        Assert.Equal(2166136261u, ShardMap.Fnv1a(string.Empty));
        Assert.Equal(0xe40c292cu, ShardMap.Fnv1a("a"));
        Assert.Equal(0xbf9cf968u, ShardMap.Fnv1a("foobar"));
    }

    [Fact]
    public void Map_PartitionsEveryRowOnceWithConsistentLocalRows()
    {
        var keys = Enumerable.Range(1, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var map = new ShardMap(keys, 7);

        var seen = new bool[keys.Length];
        for (var s = 0; s < 7; s++)
        {
            var rows = map.RowsOf(s);
            Assert.InRange(rows.Length, 100, 190); // roughly balanced
            for (var local = 0; local < rows.Length; local++)
            {
                Assert.False(seen[rows[local]]);
                seen[rows[local]] = true;
                Assert.Equal(s, map.ShardOf(rows[local]));
                Assert.Equal(local, map.LocalRowOf(rows[local]));
            }
        }

        Assert.All(seen, Assert.True);
    }
}
