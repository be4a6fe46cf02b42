namespace FitCluster.Grains.Interfaces;

/// <summary>A sealed artifact folder that serving refused, and why. It is examined again when the folder's files change.</summary>
/// <param name="Folder">The folder's name inside the artifact store.</param>
/// <param name="ModelVersion">The version its manifest names, when the manifest could be read; null otherwise.</param>
/// <param name="Reason">What is wrong, in the artifact check's own words.</param>
/// <param name="SinceUtc">When it was refused (ISO 8601, UTC).</param>
[GenerateSerializer, Immutable, Alias("fit.RefusedVersion")]
public sealed record RefusedVersion(string Folder, string? ModelVersion, string Reason, string SinceUtc);
