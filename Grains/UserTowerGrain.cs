using FitCluster.Grains.Interfaces;
using FitCluster.Model.Towers;
using Orleans.Concurrency;

namespace FitCluster.Grains;

/// <summary>
/// Runs a model version's user tower (all branches, or the range a coordinator asks for when it splits the N branches
/// over cores) for one user; stateless, so activations scale with load.
/// </summary>
[StatelessWorker]
public sealed class UserTowerGrain(ModelStore store, DeviceInference device) : Grain, IUserTowerGrain
{
    /// <inheritdoc />
    public ValueTask<UserHeads> ComputeAsync(UserTowerInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var tower = device.UserTowerOf(store.Get(this.GetPrimaryKeyString())); // the GPU tower with CUDA in force
        var count = input.BranchCount == 0 && input.FirstBranch == 0 ? tower.BranchCount : input.BranchCount;
        var heads = new float[Math.Max(count, 0) * tower.HeadSize];
        BranchRange.Check(tower.BranchCount, tower.HeadSize, input.FirstBranch, heads.Length);
        tower.ComputeBranches(input.Fields.AsSpan(), input.Behaviours.AsSpan(), input.BehaviourAttributes.AsSpan(), input.FirstBranch, heads);
        return ValueTask.FromResult(new UserHeads(count, tower.HeadSize, heads, input.FirstBranch));
    }
}
