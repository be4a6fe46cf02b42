using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using FitCluster.Model.Artifacts;
using Microsoft.Win32.SafeHandles;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// Writes a generated catalog as a complete, sealed artifact folder of the source model: the source's ONNX graphs and
/// golden set copied, an item table of every row, the weights with <c>item.attributes</c> (e_c of every item, which the
/// user tower reads for behaviours) grown to the catalog, and a manifest with the catalog's item keys and a model
/// version of its own, sealed last (<see cref="ModelArtifact.Seal"/>). Rows arrive in batches and go straight to their
/// place in the files, so no table is held in memory.
/// </summary>
/// <remarks>
/// THE SWITCH POINT between artifact layouts: this class is the only code that knows how an item table is laid out on
/// disk (today layout 1: the single <c>item_table.bin</c> of <see cref="ItemTable"/>, keys in the manifest's
/// <c>item_keys</c>). For layout 2 (items in hash buckets of their id, no keys in the manifest: Model's
/// <c>ItemTableWriter</c>), <see cref="WriteRows"/> calls <c>writer.Add(keys[row], row + 1, queryIndex, heads)</c> per
/// row, <see cref="Complete"/> calls <c>writer.Complete()</c> and leaves <c>ItemKeys</c> out; the weights part stays.
/// Callers do not change. Not thread-safe.
/// </remarks>
public sealed class CatalogWriter : IDisposable
{
    /// <summary>
    /// Golden tolerance of a float16 catalog: the trainer's float32 scores are kept, and float16 heads move them by more
    /// than a float32 tolerance; the exporter's <c>--half</c> allows the same (ArtifactExporter.HalfTolerance).
    /// </summary>
    public const double HalfGoldenTolerance = 0.01;

    private const string AttributesTensor = "item.attributes";
    private const int Alignment = 64;

    private readonly string _directory;
    private readonly ModelManifest _source;
    private readonly int _itemCount;
    private readonly bool _half;
    private readonly int _rowSize;
    private readonly int _attributeDim;
    private readonly long _headsOffset;
    private readonly long _attributesOffset;
    private readonly IReadOnlyList<TensorEntry> _tensors;
    private readonly IReadOnlyList<string> _keys;
    private readonly SafeFileHandle _table;
    private readonly SafeFileHandle _weights;
    private byte[] _scratch = [];

    private CatalogWriter(string directory, ModelManifest source, IReadOnlyList<string> keys, bool half, long headsOffset, long attributesOffset,
        IReadOnlyList<TensorEntry> tensors, SafeFileHandle table, SafeFileHandle weights)
    {
        _directory = directory;
        _source = source;
        _keys = keys;
        _itemCount = keys.Count;
        _half = half;
        _rowSize = source.Dims.ItemHeadSize;
        _attributeDim = source.Dims.ItemAttributeDim;
        _headsOffset = headsOffset;
        _attributesOffset = attributesOffset;
        _tensors = tensors;
        _table = table;
        _weights = weights;
    }

    /// <summary>The item table's file name inside the folder.</summary>
    public const string ItemTableFile = "item_table.bin";

    /// <summary>
    /// Starts a catalog whose row r is item <paramref name="keys"/>[r] in <paramref name="directory"/> (created empty):
    /// copies the source's graphs and golden set, writes every weight tensor but the catalog's e_c rows, and sizes the files.
    /// </summary>
    /// <param name="source">The source artifact.</param>
    /// <param name="directory">The folder to write.</param>
    /// <param name="keys">Item key of each row (read on demand: the list may compute them).</param>
    /// <param name="half">float16 heads.</param>
    public static CatalogWriter Create(ModelArtifact source, string directory, IReadOnlyList<string> keys, bool half)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keys);
        var itemCount = keys.Count;
        var manifest = source.Manifest;
        var dims = manifest.Dims;
        if (itemCount < dims.ItemCount)
        {
            throw new ArgumentException($"{itemCount:N0} keys: a catalog keeps the source's {dims.ItemCount:N0} items.", nameof(keys));
        }

        Directory.CreateDirectory(directory);
        foreach (var file in new[] { manifest.UserTower.File, manifest.ItemTower.File, manifest.Golden.File }.Distinct(StringComparer.Ordinal))
        {
            File.Copy(source.PathOf(file), Path.Combine(directory, file), overwrite: true);
        }

        // The item table: header, query indices (2 bytes each, padded to 64), heads (ItemTable's layout, docs/artifact.md).
        var elementBytes = half ? 2 : 4;
        var headsOffset = ItemTable.HeaderBytes + Align((long)itemCount * sizeof(ushort));
        var table = File.OpenHandle(Path.Combine(directory, ItemTableFile), FileMode.Create, FileAccess.ReadWrite);
        RandomAccess.SetLength(table, headsOffset + ((long)itemCount * dims.ItemHeadSize * elementBytes));
        var header = new byte[ItemTable.HeaderBytes];
        ItemTable.Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), ItemTable.FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), half ? DataTypeCodes.Binary16 : DataTypeCodes.Binary32);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), itemCount);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), dims.ItemHeads);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), dims.HeadDim);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), source.Items.MetaSize);
        RandomAccess.Write(table, header, 0);

        // The weights: every tensor at a fresh 64-byte-aligned offset, item.attributes with one row per item (+ padding row 0).
        var entries = new List<TensorEntry>(manifest.Tensors.Count);
        long offset = 0, attributesOffset = -1;
        foreach (var entry in manifest.Tensors)
        {
            offset = Align(offset);
            var shape = entry.Name == AttributesTensor ? [itemCount + 1, dims.ItemAttributeDim] : entry.Shape;
            if (entry.Name == AttributesTensor)
            {
                attributesOffset = offset;
            }

            entries.Add(entry with { Offset = offset, Shape = shape });
            offset += shape.Aggregate(4L, (size, dim) => size * dim);
        }

        if (attributesOffset < 0)
        {
            throw new ArtifactException($"{source.Directory}: no '{AttributesTensor}' tensor; the user tower could not read the catalog's items.");
        }

        var weights = File.OpenHandle(Path.Combine(directory, manifest.WeightsFile), FileMode.Create, FileAccess.ReadWrite);
        RandomAccess.SetLength(weights, offset);
        foreach (var entry in entries)
        {
            var values = source.Tensors[entry.Name].Values; // for item.attributes: the padding row and the source's items
            RandomAccess.Write(weights, MemoryMarshal.AsBytes(values.AsSpan()), entry.Offset);
        }

        return new CatalogWriter(directory, manifest, keys, half, headsOffset, attributesOffset, entries, table, weights);
    }

    /// <summary>
    /// Writes rows <paramref name="firstRow"/>.. of the catalog: heads <c>[rows, H_v × p]</c> as float32 (rounded to
    /// float16 for a half catalog), query indices, and e_c <c>[rows, D]</c>.
    /// </summary>
    public void WriteRows(int firstRow, ReadOnlySpan<float> heads, ReadOnlySpan<ushort> queryIndex, ReadOnlySpan<float> attributes)
    {
        var rows = queryIndex.Length;
        if (firstRow < 0 || firstRow + rows > _itemCount || heads.Length != rows * _rowSize || attributes.Length != rows * _attributeDim)
        {
            throw new ArgumentException($"rows {firstRow}..{firstRow + rows - 1} with {heads.Length} head and {attributes.Length} attribute values do not fit the catalog.");
        }

        RandomAccess.Write(_table, MemoryMarshal.AsBytes(queryIndex), ItemTable.HeaderBytes + ((long)firstRow * sizeof(ushort)));
        if (_half)
        {
            var bytes = Scratch(heads.Length * 2);
            TensorPrimitives.ConvertToHalf(heads, MemoryMarshal.Cast<byte, Half>(bytes.AsSpan(0, heads.Length * 2)));
            RandomAccess.Write(_table, bytes.AsSpan(0, heads.Length * 2), _headsOffset + ((long)firstRow * _rowSize * 2));
        }
        else
        {
            RandomAccess.Write(_table, MemoryMarshal.AsBytes(heads), _headsOffset + ((long)firstRow * _rowSize * 4));
        }

        // e_c of catalog row r is item index r + 1 (index 0 is padding).
        RandomAccess.Write(_weights, MemoryMarshal.AsBytes(attributes), _attributesOffset + ((long)(firstRow + 1) * _attributeDim * 4));
    }

    /// <summary>
    /// Finishes the folder once every row is written: flushes the files, writes the manifest (model version
    /// <paramref name="modelVersion"/>, the catalog's item count and keys) and seals it.
    /// </summary>
    /// <param name="modelVersion">The catalog's own model version.</param>
    public ModelManifest Complete(string modelVersion)
    {
        RandomAccess.FlushToDisk(_table);
        RandomAccess.FlushToDisk(_weights);
        Dispose();
        var manifest = _source with
        {
            ModelVersion = modelVersion,
            CreatedUtc = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            Dims = _source.Dims with { ItemCount = _itemCount },
            ItemKeys = _keys, // enumerated once, while the manifest is serialised
            ItemTable = new ItemTableEntry(ItemTableFile, DataTypeCodes.Name(_half ? DataTypeCodes.Binary16 : DataTypeCodes.Binary32)),
            Tensors = _tensors,
            Golden = _half ? _source.Golden with { Tolerance = Math.Max(_source.Golden.Tolerance, HalfGoldenTolerance) } : _source.Golden,
            Files = new Dictionary<string, FileEntry>(),
        };
        return ModelArtifact.Seal(_directory, manifest);
    }

    /// <summary>Closes the files (an unfinished folder stays unsealed).</summary>
    public void Dispose()
    {
        _table.Dispose();
        _weights.Dispose();
    }

    private static long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    private byte[] Scratch(int bytes)
    {
        if (_scratch.Length < bytes)
        {
            _scratch = new byte[bytes];
        }

        return _scratch;
    }
}
