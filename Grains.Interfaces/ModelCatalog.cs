using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>The catalog: the active model version, the versions available and the folders refused.</summary>
/// <param name="ActiveVersion">The version used when a request names none; null until one is activated.</param>
/// <param name="Versions">Every version in the artifact store that can be served (sealed, and not refused).</param>
/// <param name="Refused">Sealed folders that failed their checks, with the reason; never served.</param>
[GenerateSerializer, Immutable, Alias("fit.ModelCatalog")]
public sealed record ModelCatalog(string? ActiveVersion, ImmutableArray<ModelVersionInfo> Versions, ImmutableArray<RefusedVersion> Refused);
