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

    /// <summary>
    /// Makes <paramref name="modelVersion"/> active after loading, verifying and warming it; a version that is unknown or
    /// fails its checks is refused in <see cref="ActivationResult.Error"/> (never as a fault) and nothing changes.
    /// </summary>
    /// <remarks>Loading and verifying a large version can take longer than a request: the call may take up to 5 minutes.</remarks>
    [Alias("ActivateAsync")]
    [ResponseTimeout("00:05:00")]
    ValueTask<ActivationResult> ActivateAsync(string modelVersion, CancellationToken cancellationToken = default);
}
