using System.Security.Cryptography;
using System.Text;
using Orleans.Storage;

namespace FitCluster.Silo;

/// <summary>
/// Grain storage in files, for the embedded default (<c>./fit silo</c> with localhost clustering and no external store):
/// one file per grain, written to a temporary file, flushed to disk and renamed over the old one, so that a write that
/// was acknowledged survives <c>kill -9</c> and a restart, and a torn write is never read. Optimistic concurrency by
/// the content's hash as ETag, as the other providers do. One silo per folder: it is not shared storage for a cluster.
/// </summary>
public sealed class FileGrainStorage(string directory, IGrainStorageSerializer serializer) : IGrainStorage
{
    /// <summary>The folder holding the state files.</summary>
    public string Directory { get; } = directory;

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var path = PathOf(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var bytes = await File.ReadAllBytesAsync(path);
        grainState.State = serializer.Deserialize<T>(new BinaryData(bytes));
        grainState.ETag = ETagOf(bytes);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var path = PathOf(stateName, grainId);
        CheckETag(path, grainState.ETag);
        var bytes = serializer.Serialize(grainState.State).ToArray();
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        {
            await stream.WriteAsync(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        grainState.ETag = ETagOf(bytes);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var path = PathOf(stateName, grainId);
        CheckETag(path, grainState.ETag);
        File.Delete(path);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>Checks that the folder can be written (creating it), so a silo says at start when it cannot keep state.</summary>
    /// <returns>Null when writable, else the reason.</returns>
    public static string? Probe(string directory)
    {
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "probe");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    private static void CheckETag(string path, string? expected)
    {
        var current = File.Exists(path) ? ETagOf(File.ReadAllBytes(path)) : null;
        if (current != expected)
        {
            throw new InconsistentStateException($"The stored state in {path} changed since it was read.", current ?? "(none)", expected ?? "(none)");
        }
    }

    // A readable, collision-free file name: the state and grain id with unsafe characters replaced, plus a hash of the exact key.
    private string PathOf(string stateName, GrainId grainId)
    {
        var key = $"{stateName}.{grainId}";
        var safe = new StringBuilder(key.Length);
        foreach (var c in key.Length > 80 ? key[..80] : key)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
        return Path.Combine(Directory, $"{safe}-{hash}.state");
    }

    private static string ETagOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
}
