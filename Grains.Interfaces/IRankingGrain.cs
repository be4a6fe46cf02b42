namespace FitCluster.Grains.Interfaces;

/// <summary>
/// The scatter-gather coordinator: resolves a request against a model version, runs the user tower once, sends each
/// item shard its candidates with only the user heads they need (by query index), and merges the partial top-k.
/// </summary>
/// <remarks>Key: any string (callers use <c>"rank"</c>); a stateless worker, so activations scale with load on every silo.</remarks>
[Alias("fit.IRankingGrain")]
public interface IRankingGrain : IGrainWithStringKey
{
    /// <summary>Ranks the request's candidates; bad input comes back as <see cref="RankResponse.Error"/>, never as a fault.</summary>
    [Alias("RankAsync")]
    ValueTask<RankResponse> RankAsync(RankRequest request, CancellationToken cancellationToken = default);
}
