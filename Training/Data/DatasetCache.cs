using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace FitCluster.Training.Data;

/// <summary>
/// The preprocessed form of a dataset in one compact binary file, so that a second run skips parsing the raw files:
/// the <see cref="InteractionLog"/> and, for datasets whose samples come from the files (Taobao), the samples and their times.
/// </summary>
/// <remarks>
/// <para>The file starts with a magic string, <see cref="FormatVersion"/> and a key describing the source files (name,
/// size and last write time of each, plus the loader's version); a file whose key differs is ignored and rebuilt, so
/// changing or replacing a raw file invalidates the cache. Arrays are stored as raw little-endian bytes. The file ends
/// with the SHA-256 of every byte before it, checked before anything is used: a damaged cache (a flipped bit in an
/// array would otherwise be read as data) is reported and rebuilt.</para>
/// <para>Writes go to a temporary file renamed over the target, so a crash never leaves a half-written cache. A cache
/// that cannot be read or written is reported and skipped; it never fails the run. Thread-safe: no shared state.</para>
/// </remarks>
public static class DatasetCache
{
    /// <summary>Version of the binary layout; bump on any change (2: a SHA-256 of everything before it ends the file).</summary>
    public const int FormatVersion = 2;

    private const int HashLength = 32;

    /// <summary>Default cache folder name inside the data folder.</summary>
    public const string DefaultFolderName = ".fitcache";

    private const string Magic = "FITCLUSTER-DATASET-CACHE";

    /// <summary>The cache file of <paramref name="dataset"/>: <c>CACHE/&lt;dataset&gt;-v&lt;version&gt;.bin</c>.</summary>
    /// <param name="dataDirectory">The raw files' folder.</param>
    /// <param name="cacheDirectory">Cache folder; null for <c>DATA/.fitcache</c>.</param>
    /// <param name="dataset">Dataset name.</param>
    /// <param name="loaderVersion">The loader's preprocessing version.</param>
    public static string PathFor(string dataDirectory, string? cacheDirectory, string dataset, int loaderVersion) =>
        Path.Combine(cacheDirectory ?? Path.Combine(dataDirectory, DefaultFolderName), $"{dataset}-v{loaderVersion}.bin");

    /// <summary>The key of the given source files: each file's name, size and last write time (UTC ticks).</summary>
    public static string SourceKey(int loaderVersion, IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var key = new StringBuilder().Append(CultureInfo.InvariantCulture, $"format {FormatVersion}; loader {loaderVersion}");
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            key.Append(CultureInfo.InvariantCulture, $"; {info.Name} {info.Length} {info.LastWriteTimeUtc.Ticks}");
        }

        return key.ToString();
    }

    /// <summary>Reads the cache at <paramref name="path"/> when it exists and its key is <paramref name="key"/>; else null.</summary>
    /// <param name="path">Cache file.</param>
    /// <param name="key">Expected <see cref="SourceKey"/>.</param>
    /// <param name="progress">Told whether the cache was used, stale or unreadable.</param>
    public static CachedDataset? TryRead(string path, string key, IProgress<string>? progress)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadString() != Magic || reader.ReadInt32() != FormatVersion || reader.ReadString() != key)
            {
                progress?.Report($"cache {path} is stale (source files or format changed); rebuilding");
                return null;
            }

            var body = stream.Position;
            if (!HashOf(stream, stream.Length - HashLength).AsSpan().SequenceEqual(ReadTrailer(stream)))
            {
                progress?.Report($"cache {path} is damaged (its SHA-256 does not match); rebuilding");
                return null;
            }

            stream.Position = body;

            var log = ReadLog(reader);
            CachedDataset cached = reader.ReadBoolean()
                ? new(log, new SampleSet(ReadArray<int>(reader), ReadArray<int>(reader), ReadArray<int>(reader), ReadArray<float>(reader)), ReadArray<long>(reader))
                : new(log, null, null);
            progress?.Report($"cache {path}: loaded");
            return cached;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or FormatException or UnauthorizedAccessException)
        {
            progress?.Report($"cache {path} is unreadable ({e.Message}); rebuilding");
            return null;
        }
    }

    /// <summary>Writes <paramref name="data"/> to <paramref name="path"/> atomically; a failure is reported, not thrown.</summary>
    /// <returns>True when the cache was written.</returns>
    public static bool TryWrite(string path, string key, CachedDataset data, IProgress<string>? progress)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(data);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            // The body is hashed as it is written (a SHA-256 transform passes every byte through to the file), so the
            // trailer costs no second read of the file. The buffer in front of the hash turns the many small writes (one
            // per item key) into 1 MiB blocks.
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var sha = SHA256.Create())
            {
                using (var hashing = new CryptoStream(stream, sha, CryptoStreamMode.Write, leaveOpen: true))
                using (var buffered = new BufferedStream(hashing, 1 << 20))
                using (var writer = new BinaryWriter(buffered, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    writer.Write(key);
                    WriteLog(writer, data.Log);
                    writer.Write(data.Samples is not null);
                    if (data.Samples is { } samples)
                    {
                        WriteArray(writer, samples.User);
                        WriteArray(writer, samples.Position);
                        WriteArray(writer, samples.Item);
                        WriteArray(writer, samples.Label);
                        WriteArray(writer, data.SampleTimes ?? throw new ArgumentException("Samples need their times.", nameof(data)));
                    }

                    writer.Flush(); // through the buffer into the hash and the file
                    hashing.FlushFinalBlock();
                }

                stream.Write(sha.Hash ?? throw new InvalidOperationException("SHA-256 produced no hash.")); // the trailer
            }

            File.Move(temporary, path, overwrite: true);
            progress?.Report($"cache {path}: written ({new FileInfo(path).Length / (1024.0 * 1024.0):F1} MiB)");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            progress?.Report($"cache {path} not written ({e.Message}); the next run parses the raw files again");
            File.Delete(temporary);
            return false;
        }
    }

    // SHA-256 of the stream's first `length` bytes; the stream is left at `length`.
    private static byte[] HashOf(Stream stream, long length)
    {
        if (length < 0)
        {
            throw new InvalidDataException("shorter than its checksum");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        stream.Position = 0;
        for (var left = length; left > 0;)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
        }

        return hash.GetHashAndReset();
    }

    private static byte[] ReadTrailer(Stream stream)
    {
        var trailer = new byte[HashLength];
        stream.ReadExactly(trailer);
        return trailer;
    }

    private static void WriteLog(BinaryWriter writer, InteractionLog log)
    {
        writer.Write(log.Name);
        writer.Write(log.UserCount);
        WriteFields(writer, log.UserFields);
        writer.Write(log.ItemVocabSize);
        WriteFields(writer, log.ItemFields);
        WriteStrings(writer, log.SequenceItemFields);
        WriteArray(writer, log.BehaviourOffsets);
        WriteArray(writer, log.BehaviourItems);
        WriteArray(writer, log.ActiveItems);
        writer.Write(log.ItemKeys is not null);
        if (log.ItemKeys is { } keys)
        {
            WriteStrings(writer, keys);
        }
    }

    private static InteractionLog ReadLog(BinaryReader reader)
    {
        var name = reader.ReadString();
        var userCount = reader.ReadInt32();
        var userFields = ReadFields(reader);
        var itemVocabSize = reader.ReadInt32();
        var itemFields = ReadFields(reader);
        var sequenceItemFields = ReadStrings(reader);
        var offsets = ReadArray<int>(reader);
        var items = ReadArray<int>(reader);
        var active = ReadArray<int>(reader);
        var keys = reader.ReadBoolean() ? ReadStrings(reader) : null;
        return offsets.Length == userCount + 1
            ? new InteractionLog
            {
                Name = name,
                UserCount = userCount,
                UserFields = userFields,
                ItemVocabSize = itemVocabSize,
                ItemFields = itemFields,
                SequenceItemFields = sequenceItemFields,
                BehaviourOffsets = offsets,
                BehaviourItems = items,
                ActiveItems = active,
                ItemKeys = keys,
            }
            : throw new InvalidDataException("inconsistent user count");
    }

    private static void WriteFields(BinaryWriter writer, IReadOnlyList<CategoricalField> fields)
    {
        writer.Write(fields.Count);
        foreach (var field in fields)
        {
            writer.Write(field.Name);
            writer.Write(field.VocabSize);
            writer.Write(field.Width);
            WriteArray(writer, field.Values);
            WriteStrings(writer, field.Labels);
        }
    }

    private static CategoricalField[] ReadFields(BinaryReader reader)
    {
        var fields = new CategoricalField[ReadCount(reader)];
        for (var i = 0; i < fields.Length; i++)
        {
            var name = reader.ReadString();
            var vocabSize = reader.ReadInt32();
            var width = reader.ReadInt32();
            var values = ReadArray<int>(reader);
            fields[i] = new CategoricalField(name, vocabSize, width, values) { Labels = ReadStrings(reader) };
        }

        return fields;
    }

    private static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> values)
    {
        writer.Write(values.Count);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static string[] ReadStrings(BinaryReader reader)
    {
        var values = new string[ReadCount(reader)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadString();
        }

        return values;
    }

    private static void WriteArray<T>(BinaryWriter writer, T[] values)
        where T : unmanaged
    {
        writer.Write(values.Length);
        writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static T[] ReadArray<T>(BinaryReader reader)
        where T : unmanaged
    {
        var values = new T[ReadCount(reader)];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count >= 0 && count <= reader.BaseStream.Length - reader.BaseStream.Position
            ? count
            : throw new InvalidDataException($"bad length {count}");
    }
}
