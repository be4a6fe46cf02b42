using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>The catalog: the active model version and the versions available.</summary>
/// <param name="ActiveVersion">The version used when a request names none; null until one is activated.</param>
/// <param name="Versions">Every version in the artifact store.</param>
[GenerateSerializer, Immutable, Alias("fit.ModelCatalog")]
public sealed record ModelCatalog(string? ActiveVersion, ImmutableArray<ModelVersionInfo> Versions);
