using Orleans.CodeGeneration;

namespace FitCluster.Grains.Interfaces;

/// <summary>Runs a model version's user tower: the N branches' user heads for one user (FIT §4.3.2), or a range of them.</summary>
/// <remarks>Key: the model version. A stateless worker: CPU-bound, one activation per core as load requires.</remarks>
[Alias("fit.IUserTowerGrain")]
[Version(1)]
public interface IUserTowerGrain : IGrainWithStringKey
{
    /// <summary>Computes the user heads of the requested branches.</summary>
    [Alias("ComputeAsync")]
    ValueTask<UserHeads> ComputeAsync(UserTowerInput input, CancellationToken cancellationToken = default);
}
