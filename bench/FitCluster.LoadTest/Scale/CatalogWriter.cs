using System.Runtime.InteropServices;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;
using Microsoft.Win32.SafeHandles;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// Writes a generated catalog as a complete, sealed artifact folder (format version 2) of the source model: the source's
/// ONNX graphs and golden set copied, an item table of every row (layout 2, written by <see cref="ItemTableWriter"/>: each
/// item's id, item index, query index and heads, in hash buckets of its id), the weights with <c>item.attributes</c> (e_c
/// of every item, which the user tower reads for behaviours) grown to the catalog, and a manifest with the catalog's item
/// count and a model version of its own, sealed last (<see cref="ModelArtifact.Seal"/>). Rows arrive in batches; the
/// item table goes through the writer's spill files and the weights straight to their place, so no table is held in memory.
/// </summary>
/// <remarks>
/// The only code of the benchmark that writes an item table: catalog row r is item <c>keys[r]</c> with item index r + 1
/// (index 0 is the padding row of <c>item.attributes</c>). The ids live in the table itself; the manifest holds none.
/// Not thread-safe.
/// </remarks>
public sealed class CatalogWriter : IDisposable
{
    /// <summary>
    /// Golden tolerance of a float16 catalog: the trainer's float32 scores are kept, and float16 heads move them by more
    /// than a float32 tolerance; the exporter's <c>--half</c> allows the same (ArtifactExporter.HalfTolerance).
    /// </summary>
    public const double HalfGoldenTolerance = 0.01;

    /// <summary>The item table's file name inside the folder.</summary>
    public const string TableFileName = "item_table.bin";

    private const string AttributesTensor = "item.attributes";
    private const int Alignment = 64;

    private readonly string _directory;
    private readonly ModelManifest _source;
    private readonly int _itemCount;
    private readonly bool _half;
    private readonly int _rowSize;
    private readonly int _attributeDim;
    private readonly long _attributesOffset;
    private readonly IReadOnlyList<TensorEntry> _tensors;
    private readonly IReadOnlyList<string> _keys;
    private readonly ItemTableWriter _table;
    private readonly SafeFileHandle _weights;

    private CatalogWriter(string directory, ModelManifest source, IReadOnlyList<string> keys, bool half, long attributesOffset,
        IReadOnlyList<TensorEntry> tensors, ItemTableWriter table, SafeFileHandle weights)
    {
        _directory = directory;
        _source = source;
        _keys = keys;
        _itemCount = keys.Count;
        _half = half;
        _rowSize = source.Dims.ItemHeadSize;
        _attributeDim = source.Dims.ItemAttributeDim;
        _attributesOffset = attributesOffset;
        _tensors = tensors;
        _table = table;
        _weights = weights;
    }

    /// <summary>
    /// Starts a catalog whose row r is item <paramref name="keys"/>[r] (item index r + 1) in <paramref name="directory"/>
    /// (created empty): copies the source's graphs and golden set, writes every weight tensor but the catalog's e_c rows,
    /// and starts the item table with the source's shape (H_v, p, N) and <see cref="ItemTableWriter.DefaultBucketCount"/> buckets.
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
        ItemTableWriter? table = null;
        try
        {
            RandomAccess.SetLength(weights, offset);
            foreach (var entry in entries)
            {
                var values = source.Tensors[entry.Name].Values; // for item.attributes: the padding row and the source's items
                RandomAccess.Write(weights, MemoryMarshal.AsBytes(values.AsSpan()), entry.Offset);
            }

            table = new ItemTableWriter(Path.Combine(directory, TableFileName), dims.ItemHeads, dims.HeadDim, source.ItemFile.MetaSize, half);
            return new CatalogWriter(directory, manifest, keys, half, attributesOffset, entries, table, weights);
        }
        catch
        {
            table?.Dispose();
            weights.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes rows <paramref name="firstRow"/>.. of the catalog: heads <c>[rows, H_v × p]</c> as float32 (rounded to
    /// float16 for a half catalog by the table writer), query indices, and e_c <c>[rows, D]</c>.
    /// </summary>
    public void WriteRows(int firstRow, ReadOnlySpan<float> heads, ReadOnlySpan<ushort> queryIndex, ReadOnlySpan<float> attributes)
    {
        var rows = queryIndex.Length;
        if (firstRow < 0 || firstRow + rows > _itemCount || heads.Length != rows * _rowSize || attributes.Length != rows * _attributeDim)
        {
            throw new ArgumentException($"rows {firstRow}..{firstRow + rows - 1} with {heads.Length} head and {attributes.Length} attribute values do not fit the catalog.");
        }

        for (var r = 0; r < rows; r++)
        {
            var row = firstRow + r;
            _table.Add(_keys[row], row + 1, queryIndex[r], heads.Slice(r * _rowSize, _rowSize));
        }

        // e_c of catalog row r is item index r + 1 (index 0 is padding).
        RandomAccess.Write(_weights, MemoryMarshal.AsBytes(attributes), _attributesOffset + ((long)(firstRow + 1) * _attributeDim * 4));
    }

    /// <summary>
    /// Finishes the folder once every row is written: completes the item table, flushes the weights, writes the manifest
    /// (model version <paramref name="modelVersion"/>, the catalog's item count; no item keys) and seals it.
    /// </summary>
    /// <param name="modelVersion">The catalog's own model version.</param>
    /// <exception cref="InvalidOperationException">Not every row was written.</exception>
    public ModelManifest Complete(string modelVersion)
    {
        if (_table.Count != _itemCount)
        {
            throw new InvalidOperationException($"{_table.Count:N0} of the catalog's {_itemCount:N0} rows were written.");
        }

        _table.Complete();
        RandomAccess.FlushToDisk(_weights);
        Dispose();
        var manifest = _source with
        {
            FormatVersion = ModelManifest.CurrentFormatVersion,
            ModelVersion = modelVersion,
            CreatedUtc = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            Dims = _source.Dims with { ItemCount = _itemCount },
            ItemTable = new ItemTableEntry(TableFileName, DataTypeCodes.Name(_half ? DataTypeCodes.Binary16 : DataTypeCodes.Binary32)),
            Tensors = _tensors,
            Golden = _half ? _source.Golden with { Tolerance = Math.Max(_source.Golden.Tolerance, HalfGoldenTolerance) } : _source.Golden,
            Files = new Dictionary<string, FileEntry>(),
        };
        return ModelArtifact.Seal(_directory, manifest);
    }

    /// <summary>Closes the files and deletes the table's spill files (an unfinished folder stays unsealed).</summary>
    public void Dispose()
    {
        _table.Dispose();
        _weights.Dispose();
    }

    private static long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;
}
