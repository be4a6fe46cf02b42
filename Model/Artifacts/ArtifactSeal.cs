using System.Security.Cryptography;
using System.Text.Json;

namespace FitCluster.Model.Artifacts;

/// <summary>
/// <c>SEALED</c>: the last file an exporter writes into an artifact folder. It holds the SHA-256 and size of
/// <c>manifest.json</c>'s bytes, so the manifest's own content is covered the way the manifest covers every other file:
/// an edited label, a moved tensor offset or a renamed item key no longer matches. A folder without it is unfinished (still
/// being exported or copied) and is invisible to serving.
/// </summary>
/// <param name="FormatVersion">Seal format version (<see cref="CurrentFormatVersion"/>).</param>
/// <param name="ManifestSha256">SHA-256 of <c>manifest.json</c>'s bytes, lowercase hex.</param>
/// <param name="ManifestBytes">Size of <c>manifest.json</c> in bytes.</param>
public sealed record ArtifactSeal(int FormatVersion, string ManifestSha256, long ManifestBytes)
{
    /// <summary>File name of the seal inside an artifact folder.</summary>
    public const string FileName = "SEALED";

    /// <summary>The seal format this build reads and writes.</summary>
    public const int CurrentFormatVersion = 1;

    // A seal is a few hundred bytes; anything much larger is not one (and is not read into memory).
    private const long MaxSealBytes = 4096;

    /// <summary>The seal of a manifest's exact bytes.</summary>
    public static ArtifactSeal Of(ReadOnlySpan<byte> manifestBytes) =>
        new(CurrentFormatVersion, Convert.ToHexStringLower(SHA256.HashData(manifestBytes)), manifestBytes.Length);

    /// <summary>Writes the seal of <paramref name="manifestBytes"/> into <paramref name="directory"/>: to a temporary file, flushed to disk, then renamed, so that a seal that exists is whole.</summary>
    public static void Write(string directory, ReadOnlySpan<byte> manifestBytes)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(Of(manifestBytes), ArtifactJson.Options);
        WriteDurably(Path.Combine(directory, FileName), bytes);
    }

    /// <summary>Reads the seal of <paramref name="directory"/>, or null when the folder has none (unfinished).</summary>
    /// <exception cref="ArtifactException">The file exists but is not a seal this build reads.</exception>
    public static ArtifactSeal? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }

            if (info.Length > MaxSealBytes)
            {
                throw new ArtifactException($"{path}: {info.Length:N0} bytes is not a seal.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        ArtifactSeal? seal;
        try
        {
            seal = JsonSerializer.Deserialize<ArtifactSeal>(bytes, ArtifactJson.Options);
        }
        catch (JsonException e)
        {
            throw new ArtifactException($"{path}: malformed seal ({e.Message})", e);
        }

        if (seal is null || seal.FormatVersion != CurrentFormatVersion || seal.ManifestSha256 is not { Length: 64 } || seal.ManifestBytes <= 0)
        {
            throw new ArtifactException($"{path}: not a seal of format version {CurrentFormatVersion}.");
        }

        return seal;
    }

    /// <summary>Checks that <paramref name="manifestBytes"/> are the bytes this seal was made of.</summary>
    /// <exception cref="ArtifactException">They are not: the manifest was edited or replaced after sealing.</exception>
    public void Verify(string directory, ReadOnlySpan<byte> manifestBytes)
    {
        if (manifestBytes.Length != ManifestBytes)
        {
            throw new ArtifactException(
                $"{directory}: {ModelManifest.FileName} is {manifestBytes.Length:N0} bytes, the seal says {ManifestBytes:N0} (edited, replaced or still being copied).");
        }

        var actual = SHA256.HashData(manifestBytes);
        var expected = Convert.FromHexString(ManifestSha256);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            throw new ArtifactException($"{directory}: {ModelManifest.FileName}'s SHA-256 differs from its seal (the manifest was edited or replaced after export).");
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a flushed temporary file and a rename.</summary>
    internal static void WriteDurably(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
