namespace FitCluster.Grains.Interfaces;

/// <summary>The answer to an activation: the catalog after it, or why the version was not activated (nothing changed).</summary>
/// <param name="Catalog">The catalog after the switch; null when refused.</param>
/// <param name="Error">Why it was refused: <c>unknown_model_version</c>, <c>model_refused</c> (the version failed its
/// checks; the reason says which) or <c>activation_failed</c> (its shards could not be warmed); null on success.</param>
[GenerateSerializer, Immutable, Alias("fit.ActivationResult")]
public sealed record ActivationResult(ModelCatalog? Catalog, RankError? Error);
