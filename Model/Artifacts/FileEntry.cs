namespace FitCluster.Model.Artifacts;

/// <summary>Checksum and size of one file of an artifact.</summary>
/// <param name="Sha256">SHA-256 of the file's bytes, lowercase hex.</param>
/// <param name="Bytes">File size in bytes.</param>
public sealed record FileEntry(string Sha256, long Bytes);
