using Orleans.CodeGeneration;

namespace FitCluster.Grains.Interfaces;

/// <summary>Which model versions the cluster can serve and which one answers requests that name none.</summary>
/// <remarks>Key: the catalog name (<c>"default"</c>). Single activation; the active version survives restarts through grain storage.</remarks>
[Alias("fit.IModelCatalogGrain")]
[Version(1)]
public interface IModelCatalogGrain : IGrainWithStringKey
{
    /// <summary>The active version and every version found in the artifact store.</summary>
    [Alias("GetAsync")]
    ValueTask<ModelCatalog> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="modelVersion"/> active after loading and warming it on this silo; fails when unknown or invalid.</summary>
    [Alias("ActivateAsync")]
    ValueTask<ModelCatalog> ActivateAsync(string modelVersion, CancellationToken cancellationToken = default);
}
