using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Towers;

namespace FitCluster.Grains;

/// <summary>
/// A user's heads, split by branch range over cores (<see cref="RankingOptions.UserTowerSplit"/>): each range is computed
/// on the thread pool straight into its rows of one array, side by side, while the caller goes on (the coordinator routes
/// the candidates meanwhile). The same ranges give the same floats, so heads computed here equal, bit for bit, those of a
/// request carrying the user inline, and those of <see cref="UserTowerGrain"/> for the same range.
/// </summary>
/// <remarks>
/// Until session 13 every range was a call to the silo-local <see cref="UserTowerGrain"/>: two messages per range, a
/// heads array per range and one more to join them (a quarter of the bytes a ranking request allocated). The tower is the
/// silo's own in-memory model either way (a stateless worker never runs elsewhere), so the calls bought nothing.
/// </remarks>
public static class UserTowerCalls
{
    /// <summary>How many branch ranges a request's user tower is cut into on this silo.</summary>
    public static int PartsOf(IUserTower tower, int split)
    {
        ArgumentNullException.ThrowIfNull(tower);
        return tower.ComputesBranchRanges ? Math.Clamp(split == 0 ? Environment.ProcessorCount : split, 1, tower.BranchCount) : 1;
    }

    /// <summary>All N branches' heads, <c>[N, HeadSize]</c>, one thread-pool work item per range, run side by side.</summary>
    /// <remarks>Awaited from a grain, the caller resumes in its activation; the ranges never run in it.</remarks>
    public static Task<float[]> ComputeAsync(
        IUserTower tower, ImmutableArray<int> fields, ImmutableArray<int> behaviours, int split,
        CancellationToken cancellationToken, ImmutableArray<float> behaviourAttributes = default)
    {
        ArgumentNullException.ThrowIfNull(tower);
        cancellationToken.ThrowIfCancellationRequested();
        var heads = new float[tower.BranchCount * tower.HeadSize];
        var parts = PartsOf(tower, split);
        var bounds = tower.SplitBranches(parts);
        var ranges = new Task[parts];
        for (var p = 0; p < parts; p++)
        {
            var (first, count) = (bounds[p], bounds[p + 1] - bounds[p]);
            ranges[p] = Task.Run(
                () => tower.ComputeBranches(
                    fields.AsSpan(), behaviours.AsSpan(), behaviourAttributes.AsSpan(), first, heads.AsSpan(first * tower.HeadSize, count * tower.HeadSize)),
                cancellationToken);
        }

        return Joined(ranges, heads);
    }

    private static async Task<float[]> Joined(Task[] ranges, float[] heads)
    {
        await Task.WhenAll(ranges).ConfigureAwait(false); // continues on whichever range finished last; the caller's await returns to its context
        return heads;
    }
}
