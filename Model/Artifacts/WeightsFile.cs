using System.Runtime.InteropServices;
using System.Text;

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

    /// <summary>Reads every tensor named in <paramref name="entries"/>, checking bounds, shapes and finiteness.</summary>
    /// <exception cref="ArtifactException">An entry points outside the file, or a tensor holds NaN or ±∞.</exception>
    public static IReadOnlyDictionary<string, NamedTensor> Read(string path, IReadOnlyList<TensorEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var bytes = File.ReadAllBytes(path);
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
            }

            if (entry.Offset < 0 || entry.Offset % 4 != 0 || entry.Offset + (size * 4) > bytes.Length)
            {
                throw new ArtifactException(
                    $"{path}: tensor '{entry.Name}' ({size:N0} floats at byte {entry.Offset:N0}) lies outside the {bytes.Length:N0}-byte file.");
            }

            var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan((int)entry.Offset, (int)(size * 4))).ToArray();
            foreach (var value in values)
            {
                if (!float.IsFinite(value))
                {
                    throw new ArtifactException($"{path}: tensor '{entry.Name}' holds a non-finite value.");
                }
            }

            if (!tensors.TryAdd(entry.Name, new NamedTensor(entry.Name, [.. entry.Shape], values)))
            {
                throw new ArtifactException($"{path}: tensor '{entry.Name}' is listed twice.");
            }
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
