using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;
using FitCluster.Model.Ranking;
using FitCluster.Model.Scoring;

namespace FitCluster.Model.Tests.Catalog;

/// <summary>Items written after export over a shard's rows: ordering by sequence, deletes, row reuse, growth, and scoring.</summary>
public sealed class ItemOverlayTests
{
    private const int Heads = 2;
    private const int Dim = 3;
    private const int RowSize = Heads * Dim;

    [Fact]
    public void Upsert_NewerReplacesInPlace_OlderAndEqualAreIgnored()
    {
        var overlay = new ItemOverlay(Heads, Dim, metaSize: 4);

        Assert.True(overlay.Upsert("x", 5, Row(1), 2));
        Assert.False(overlay.Upsert("x", 4, Row(9), 3)); // older
        Assert.False(overlay.Upsert("x", 5, Row(9), 3)); // the same write again
        Assert.True(overlay.TryFind("x", out var row));
        Assert.Equal(Row(1), Read(overlay, row));
        Assert.Equal(2, overlay.Table.QueryIndex[row]);

        Assert.True(overlay.Upsert("x", 6, Row(7), 1));
        Assert.True(overlay.TryFind("x", out var again));
        Assert.Equal(row, again);
        Assert.Equal(Row(7), Read(overlay, again));
        Assert.Equal(1, overlay.Table.QueryIndex[again]);
        Assert.False(overlay.TryFind("y", out var none));
        Assert.Equal(ItemOverlay.Deleted, none);
    }

    [Fact]
    public void Delete_NamesTheIdDeleted_AnOlderUpsertCannotRevive_ANewerOneReusesTheRow()
    {
        var overlay = new ItemOverlay(Heads, Dim, metaSize: 4);
        overlay.Upsert("a", 1, Row(1), 0);
        overlay.Upsert("b", 2, Row(2), 1);

        Assert.True(overlay.Delete("a", 3));
        Assert.True(overlay.Delete("exported", 4)); // an id only an artifact holds
        Assert.False(overlay.Upsert("a", 2, Row(5), 0));
        Assert.True(overlay.TryFind("a", out var deleted));
        Assert.Equal(ItemOverlay.Deleted, deleted);
        Assert.Equal((1, 2), (overlay.Upserted, overlay.Tombstones));

        Assert.True(overlay.Upsert("c", 5, Row(3), 3)); // takes a's freed row
        Assert.True(overlay.TryFind("c", out var c));
        Assert.True(overlay.TryFind("b", out var b));
        Assert.NotEqual(b, c);
        Assert.Equal(Row(3), Read(overlay, c));
        Assert.Equal(Row(2), Read(overlay, b));
        Assert.True(overlay.Upsert("a", 6, Row(4), 2));
        Assert.Equal((3, 1), (overlay.Upserted, overlay.Tombstones));
    }

    [Fact]
    public void Growth_KeepsEveryRowAsWritten()
    {
        var overlay = new ItemOverlay(Heads, Dim, metaSize: 7);
        for (var i = 0; i < 100; i++)
        {
            overlay.Upsert($"i{i}", i + 1, Row(i), (ushort)(i % 7));
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.True(overlay.TryFind($"i{i}", out var row));
            Assert.Equal(Row(i), Read(overlay, row));
            Assert.Equal(i % 7, overlay.Table.QueryIndex[row]);
        }
    }

    [Fact]
    public void Upsert_WrongRowOrQueryIndex_Throws()
    {
        var overlay = new ItemOverlay(Heads, Dim, metaSize: 4);
        Assert.Throws<ArgumentException>(() => overlay.Upsert("x", 1, new float[RowSize - 1], 0));
        Assert.Throws<ArgumentException>(() => overlay.Upsert("x", 1, Row(1), 4));
        Assert.True(overlay.IsEmpty);
    }

    [Fact]
    public void ScoreShard_WithOverlay_UpsertsReplace_DeletesAreUnknown_TiesKeepRequestOrderAcrossBothTables()
    {
        // Artifact rows a..e score 10..50 (the first head value); the overlay re-scores b at 5, adds z at 30 (ties c), deletes d.
        string[] ids = ["a", "b", "c", "d", "e"];
        var heads = new float[ids.Length * RowSize];
        for (var r = 0; r < ids.Length; r++)
        {
            heads[r * RowSize] = 10 * (r + 1);
        }

        var shard = ItemShard.Create(ids, [1, 2, 3, 4, 5], ItemTable.FromSingle(Heads, Dim, 4, new ushort[ids.Length], heads));
        var overlay = new ItemOverlay(Heads, Dim, metaSize: 4);
        overlay.Upsert("b", 1, Row(5), 0);
        overlay.Upsert("z", 2, Row(30), 0);
        overlay.Delete("d", 3);
        string[] candidates = ["z", "d", "b", "c", "q", "e", "a"];

        var part = RankingPlan.ScoreShard(shard, new FirstValueScorer(), [], candidates, [0, 1, 2, 3, 4, 5, 6], k: 4, overlay);

        Assert.Equal([5, 0, 3, 6], part.Positions); // e 50, z 30 (position 0) before c 30 (position 3), a 10; b 5 is fifth
        Assert.Equal([50f, 30f, 30f, 10f], part.Scores);
        Assert.Equal([1, 4], part.UnknownPositions);
        Assert.Equal(5, part.Scored);
    }

    private static float[] Row(float first)
    {
        var row = new float[RowSize];
        for (var i = 0; i < RowSize; i++)
        {
            row[i] = first + (i * 0.25f);
        }

        row[0] = first;
        return row;
    }

    private static float[] Read(ItemOverlay overlay, int row)
    {
        var values = new float[RowSize];
        overlay.Table.CopyRow(row, values);
        return values;
    }

    // A scorer whose score is a row's first head value: an oracle that shares nothing with the model's scorers.
    private sealed class FirstValueScorer : ICandidateScorer
    {
        public void Score(ReadOnlySpan<float> userHeads, ItemTable items, ReadOnlySpan<int> rows, Span<float> scores)
        {
            var row = new float[items.RowSize];
            for (var i = 0; i < rows.Length; i++)
            {
                items.CopyRow(rows[i], row);
                scores[i] = row[0];
            }
        }
    }
}
