using FitCluster.Grains.Interfaces;
using Microsoft.Extensions.Options;

namespace FitCluster.Grains;

/// <summary>
/// A silo-local copy of the catalog's active model version, refreshed after <see cref="RankingOptions.ActiveVersionCacheDuration"/>,
/// so that a request does not pay a catalog call.
/// </summary>
/// <remarks>Thread-safe singleton; concurrent refreshes are harmless (last writer wins).</remarks>
public sealed class ActiveVersionCache(IGrainFactory grains, IOptions<RankingOptions> options, TimeProvider time)
{
    private (string? Version, long Expires) _cached = (null, long.MinValue);

    /// <summary>The active version, or null when the store holds none.</summary>
    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken)
    {
        var cached = _cached;
        var now = time.GetTimestamp();
        if (cached.Version is not null && now < cached.Expires)
        {
            return cached.Version;
        }

        var catalog = await grains.GetGrain<IModelCatalogGrain>(RankingServiceCollectionExtensions.CatalogKey).GetAsync(cancellationToken);
        var duration = (long)(options.Value.ActiveVersionCacheDuration.TotalSeconds * time.TimestampFrequency);
        _cached = (catalog.ActiveVersion, now + duration);
        return catalog.ActiveVersion;
    }

    /// <summary>Forgets the cached version (after an activation on this silo).</summary>
    public void Invalidate() => _cached = (null, long.MinValue);
}
