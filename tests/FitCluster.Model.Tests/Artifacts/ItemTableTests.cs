using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Tests.Artifacts;

public sealed class ItemTableTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteRead_RoundTrips(bool half)
    {
        using var temp = new TempDirectory();
        float[] heads = [1f, 2f, 3f, 4f, 5f, 6f, 0.25f, -0.5f, 7f, 8f, 9f, 10f];
        var table = half ? ItemTable.FromSingleAsHalf(2, 2, 3, [2, 0, 1], heads) : ItemTable.FromSingle(2, 2, 3, [2, 0, 1], heads);
        var path = temp.Combine("t.bin");

        table.Write(path);
        var read = ItemTable.Read(path);

        Assert.Equal(3, read.Count);
        Assert.Equal(half, read.IsHalf);
        Assert.Equal(new ushort[] { 2, 0, 1 }, read.QueryIndex);
        var row = new float[4];
        read.CopyRow(1, row);
        Assert.Equal([5f, 6f, 0.25f, -0.5f], row);
        Assert.Equal(half ? (4 * 2) + 2 : (4 * 4) + 2, read.BytesPerItem);
        Assert.Equal(ItemTable.HeaderBytes + 64 + (12 * (half ? 2 : 4)), new FileInfo(path).Length);
    }

    [Fact]
    public void Read_Truncated_ThrowsArtifactException()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("t.bin");
        ItemTable.FromSingle(1, 2, 1, [0, 0], [1f, 2f, 3f, 4f]).Write(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);

        var error = Assert.Throws<ArtifactException>(() => ItemTable.Read(path));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadMagicOrQueryIndexOrNaN_ThrowsArtifactException()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("t.bin");
        ItemTable.FromSingle(1, 2, 2, [1, 0], [1f, 2f, 3f, 4f]).Write(path);
        var good = File.ReadAllBytes(path);

        var bad = (byte[])good.Clone();
        bad[0] = (byte)'X';
        File.WriteAllBytes(path, bad);
        Assert.Throws<ArtifactException>(() => ItemTable.Read(path));

        bad = (byte[])good.Clone();
        bad[ItemTable.HeaderBytes] = 9; // query index 9 ≥ N = 2
        File.WriteAllBytes(path, bad);
        Assert.Contains("query index", Assert.Throws<ArtifactException>(() => ItemTable.Read(path)).Message, StringComparison.Ordinal);

        bad = (byte[])good.Clone();
        BitConverter.GetBytes(float.NaN).CopyTo(bad, ItemTable.HeaderBytes + 64);
        File.WriteAllBytes(path, bad);
        Assert.Contains("non-finite", Assert.Throws<ArtifactException>(() => ItemTable.Read(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_KeepsRowsInOrder()
    {
        var table = ItemTable.FromSingle(1, 1, 3, [0, 1, 2], [10f, 11f, 12f]);
        var shard = table.Select([2, 0]);
        Assert.Equal(new ushort[] { 2, 0 }, shard.QueryIndex);
        Assert.Equal([12f, 10f], shard.SingleHeads.ToArray());
    }
}
