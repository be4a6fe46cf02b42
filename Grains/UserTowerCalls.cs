using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Towers;

namespace FitCluster.Grains;

/// <summary>
/// A user's heads through the user tower grain, split by branch range over cores as the coordinator splits them
/// (<see cref="RankingOptions.UserTowerSplit"/>): the same ranges give the same floats, so heads computed here equal, bit
/// for bit, those of a request carrying the user inline.
/// </summary>
public static class UserTowerCalls
{
    /// <summary>How many branch ranges a request's user tower is cut into on this silo.</summary>
    public static int PartsOf(IUserTower tower, int split)
    {
        ArgumentNullException.ThrowIfNull(tower);
        return tower.ComputesBranchRanges ? Math.Clamp(split == 0 ? Environment.ProcessorCount : split, 1, tower.BranchCount) : 1;
    }

    /// <summary>All N branches' heads, <c>[N, HeadSize]</c>, from one user tower grain call per range, run side by side.</summary>
    public static async Task<float[]> ComputeAsync(
        IGrainFactory grains, string modelVersion, IUserTower tower, ImmutableArray<int> fields, ImmutableArray<int> behaviours, int split,
        CancellationToken cancellationToken, ImmutableArray<float> behaviourAttributes = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(tower);
        var grain = grains.GetGrain<IUserTowerGrain>(modelVersion);
        var parts = PartsOf(tower, split);
        var bounds = tower.SplitBranches(parts);
        var calls = new Task<UserHeads>[parts];
        for (var p = 0; p < parts; p++)
        {
            calls[p] = grain.ComputeAsync(new UserTowerInput(fields, behaviours, bounds[p], bounds[p + 1] - bounds[p], behaviourAttributes), cancellationToken).AsTask();
        }

        var results = await Task.WhenAll(calls);
        if (results.Length == 1)
        {
            return results[0].Values;
        }

        var heads = new float[tower.BranchCount * tower.HeadSize];
        foreach (var part in results)
        {
            part.Values.CopyTo(heads, part.FirstBranch * tower.HeadSize);
        }

        return heads;
    }
}
