using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using FitCluster.Model.Numerics;

namespace FitCluster.Model.Artifacts;

/// <summary>
/// The artifact's weights file: float32 tensors, little-endian, each starting on a 64-byte boundary, described by
/// <see cref="TensorEntry"/> records in the manifest.
/// </summary>
public static class WeightsFile
{
    private const int Alignment = 64;

    /// <summary>Writes <paramref name="tensors"/> and returns their manifest entries.</summary>
    public static IReadOnlyList<TensorEntry> Write(string path, IReadOnlyList<NamedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = new List<TensorEntry>(tensors.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Span<byte> zeros = stackalloc byte[Alignment];
        zeros.Clear();
        foreach (var tensor in tensors)
        {
            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"Tensor '{tensor.Name}' is written twice.", nameof(tensors));
            }

            if (tensor.ShapeSize != tensor.Values.Length)
            {
                throw new ArgumentException(
                    $"Tensor '{tensor.Name}' has {tensor.Values.Length} values for shape [{string.Join(", ", tensor.Shape)}].", nameof(tensors));
            }

            var padding = (int)((Alignment - (stream.Position % Alignment)) % Alignment);
            stream.Write(zeros[..padding]);
            entries.Add(new TensorEntry(tensor.Name, stream.Position, tensor.Shape, "float32"));
            stream.Write(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
        }

        return entries;
    }

    /// <summary>
    /// Reads every tensor named in <paramref name="entries"/>, checking bounds, shapes and finiteness. Each tensor is read
    /// straight into its own array (large ones pinned and in huge pages: <see cref="HugePages"/>), never through a copy
    /// of the whole file: at 10M items <c>item.attributes</c> alone is 1.28 GB, and a transient buffer of the file's size
    /// left a hole of that size in the large object heap that the trim could not give back.
    /// </summary>
    /// <exception cref="ArtifactException">An entry points outside the file, or a tensor holds NaN or ±∞.</exception>
    public static IReadOnlyDictionary<string, NamedTensor> Read(string path, IReadOnlyList<TensorEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        var tensors = new Dictionary<string, NamedTensor>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.DataType != "float32")
            {
                throw new ArtifactException($"{path}: tensor '{entry.Name}' has data type '{entry.DataType}'; only float32 is supported.");
            }

            long size = 1;
            foreach (var dim in entry.Shape)
            {
                size = dim > 0 ? size * dim : throw new ArtifactException($"{path}: tensor '{entry.Name}' has a non-positive dimension.");
                if (size > Array.MaxLength)
                {
                    throw new ArtifactException($"{path}: tensor '{entry.Name}' has more values than one array holds.");
                }
            }

            if (entry.Offset < 0 || entry.Offset % 4 != 0 || entry.Offset + (size * 4) > length)
            {
                throw new ArtifactException(
                    $"{path}: tensor '{entry.Name}' ({size:N0} floats at byte {entry.Offset:N0}) lies outside the {length:N0}-byte file.");
            }

            if (tensors.ContainsKey(entry.Name))
            {
                throw new ArtifactException($"{path}: tensor '{entry.Name}' is listed twice.");
            }

            var values = HugePages.Allocate<float>(size);
            var buffer = MemoryMarshal.AsBytes(values.AsSpan());
            for (var offset = entry.Offset; !buffer.IsEmpty;)
            {
                var read = RandomAccess.Read(handle, buffer, offset);
                if (read == 0)
                {
                    throw new ArtifactException($"{path}: ends early (truncated while being read).");
                }

                buffer = buffer[read..];
                offset += read;
            }

            // The largest magnitude is NaN when any value is NaN and ∞ when any is ±∞ (a sum could overflow instead).
            if (!float.IsFinite(TensorPrimitives.MaxMagnitude(values)))
            {
                throw new ArtifactException($"{path}: tensor '{entry.Name}' holds a non-finite value.");
            }

            tensors.Add(entry.Name, new NamedTensor(entry.Name, [.. entry.Shape], values));
        }

        return tensors;
    }

    /// <summary>A one-line description of a shape for error messages, e.g. <c>[64, 300]</c>.</summary>
    public static string Describe(IReadOnlyList<int> shape)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < shape.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(shape[i]);
        }

        return text.Append(']').ToString();
    }
}
