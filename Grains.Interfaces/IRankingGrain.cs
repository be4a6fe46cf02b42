using Orleans.CodeGeneration;

namespace FitCluster.Grains.Interfaces;

/// <summary>
/// The scatter-gather coordinator: resolves a request against a model version, runs the user tower once, sends each
/// item shard its candidates with only the user heads they need (by query index), and merges the partial top-k.
/// </summary>
/// <remarks>
/// <para>Key: any string (callers use <c>"rank"</c>); a stateless worker, so activations scale with load on every silo.</para>
/// <para>
/// Versioned for rolling upgrades (docs/architecture.md): methods are only ever added, with a version bump. A build with
/// <c>-p:FitContractVersion=2</c> adds <c>GetContractVersionAsync</c> as version 2, to rehearse an upgrade (the rolling
/// upgrade end-to-end test runs such silos beside version 1 silos).
/// </para>
/// </remarks>
[Alias("fit.IRankingGrain")]
#if FIT_CONTRACT_V2
[Version(2)]
#else
[Version(1)]
#endif
public interface IRankingGrain : IGrainWithStringKey
{
    /// <summary>Ranks the request's candidates; bad input comes back as <see cref="RankResponse.Error"/>, never as a fault.</summary>
    [Alias("RankAsync")]
    ValueTask<RankResponse> RankAsync(RankRequest request, CancellationToken cancellationToken = default);
#if FIT_CONTRACT_V2

    /// <summary>Version 2 only: the contract version this activation was built with.</summary>
    [Alias("GetContractVersionAsync")]
    ValueTask<int> GetContractVersionAsync();
#endif
}
