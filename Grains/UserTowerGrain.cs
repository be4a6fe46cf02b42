using FitCluster.Grains.Interfaces;
using Orleans.Concurrency;

namespace FitCluster.Grains;

/// <summary>Runs a model version's user tower (all branches) for one user; stateless, so activations scale with load.</summary>
[StatelessWorker]
public sealed class UserTowerGrain(ModelStore store) : Grain, IUserTowerGrain
{
    /// <inheritdoc />
    public ValueTask<UserHeads> ComputeAsync(UserTowerInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var model = store.Get(this.GetPrimaryKeyString());
        var tower = model.Ranker.UserTower;
        var heads = new float[tower.BranchCount * tower.HeadSize];
        tower.Compute(input.Fields.AsSpan(), input.Behaviours.AsSpan(), heads);
        return ValueTask.FromResult(new UserHeads(tower.BranchCount, tower.HeadSize, heads));
    }
}
