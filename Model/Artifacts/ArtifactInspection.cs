namespace FitCluster.Model.Artifacts;

/// <summary>What the cheap checks of <see cref="ModelArtifact.Inspect"/> found in a folder.</summary>
/// <param name="Manifest">The manifest when it could be read and matched its seal; otherwise null.</param>
/// <param name="Problem">Why the folder cannot be served as it is; null when the cheap checks passed.</param>
/// <param name="Sealed">Whether the folder carries a seal at all (false: unfinished, so invisible to serving).</param>
public sealed record ArtifactInspection(ModelManifest? Manifest, string? Problem, bool Sealed);
