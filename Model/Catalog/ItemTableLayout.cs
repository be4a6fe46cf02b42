using System.Buffers.Binary;
using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Catalog;

/// <summary>
/// Where each section of an item table file (layout version 2, <c>docs/artifact.md</c>) starts: computed from the header
/// alone, the same way by <see cref="ItemTableWriter"/> and <see cref="ItemTableFile"/>. Sections start on 64-byte
/// boundaries; everything is little-endian.
/// </summary>
internal sealed record ItemTableLayout(int Count, int ItemHeads, int HeadDim, int MetaSize, int BucketCount, bool IsHalf, long IdBytes)
{
    public const int Version = 2;
    public const int HeaderBytes = 64;
    public const int IdHashFnv1aUtf8 = 1;
    private const int Alignment = 64;

    public int RowSize => ItemHeads * HeadDim;

    public int ElementBytes => IsHalf ? 2 : 4;

    public long RowBytes => (long)RowSize * ElementBytes;

    public static long BucketsOffset => HeaderBytes;

    public long BranchesOffset => BucketsOffset + Align((BucketCount + 1L) * sizeof(int));

    public long IdOffsetsOffset => BranchesOffset + Align(MetaSize);

    public long IdsOffset => IdOffsetsOffset + Align((Count + 1L) * sizeof(long));

    public long ItemIndexOffset => IdsOffset + Align(IdBytes);

    public long QueryIndexOffset => ItemIndexOffset + Align((long)Count * sizeof(int));

    public long HeadsOffset => QueryIndexOffset + Align((long)Count * sizeof(ushort));

    public long TotalBytes => HeadsOffset + ((long)Count * RowBytes);

    public static long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    public void WriteHeader(Span<byte> header)
    {
        header[..HeaderBytes].Clear();
        ItemTable.Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], IsHalf ? DataTypeCodes.Binary16 : DataTypeCodes.Binary32);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], ItemHeads);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], HeadDim);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], MetaSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], BucketCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[36..], IdHashFnv1aUtf8);
        BinaryPrimitives.WriteInt64LittleEndian(header[40..], IdBytes);
    }

    /// <summary>Reads and checks a header; the caller checks the file length against <see cref="TotalBytes"/>.</summary>
    /// <exception cref="ArtifactException">Not an item table, another layout version, or impossible sizes.</exception>
    public static ItemTableLayout ReadHeader(string path, ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderBytes || !header[..8].SequenceEqual(ItemTable.Magic))
        {
            throw new ArtifactException($"{path}: not an item table (bad header).");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != Version)
        {
            throw new ArtifactException(
                $"{path}: item table layout version {version}; this build reads version {Version} (items in hash buckets, ids in the " +
                "table). Convert an artifact of the old format with `./fit upgrade DIR`.");
        }

        var dataType = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        var itemHeads = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        var headDim = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
        var metaSize = BinaryPrimitives.ReadInt32LittleEndian(header[28..]);
        var buckets = BinaryPrimitives.ReadInt32LittleEndian(header[32..]);
        var hash = BinaryPrimitives.ReadInt32LittleEndian(header[36..]);
        var idBytes = BinaryPrimitives.ReadInt64LittleEndian(header[40..]);
        if (dataType is not (DataTypeCodes.Binary32 or DataTypeCodes.Binary16) || count < 0 || itemHeads <= 0 || headDim <= 0
            || metaSize is <= 0 or > ushort.MaxValue + 1 || buckets is < 1 or > ItemTableWriter.MaxBucketCount || hash != IdHashFnv1aUtf8
            || idBytes < count || idBytes > (long)count * ItemIdHash.MaxIdBytes || (long)itemHeads * headDim > int.MaxValue / 4)
        {
            throw new ArtifactException(
                $"{path}: invalid item table header (data type {dataType}, {count} items, {itemHeads} heads of {headDim}, N = {metaSize}, " +
                $"{buckets} buckets, id hash {hash}, {idBytes} id bytes).");
        }

        return new ItemTableLayout(count, itemHeads, headDim, metaSize, buckets, dataType == DataTypeCodes.Binary16, idBytes);
    }
}
