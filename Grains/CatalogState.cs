namespace FitCluster.Grains;

/// <summary>The catalog's persisted state.</summary>
[GenerateSerializer, Alias("fit.CatalogState")]
public sealed class CatalogState
{
    /// <summary>The active model version; null until one is activated.</summary>
    [Id(0)]
    public string? ActiveVersion { get; set; }
}
