using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Towers;

namespace FitCluster.Grains;

/// <summary>
/// A user's heads, split by branch range over cores (<see cref="RankingOptions.UserTowerSplit"/>), each range written
/// straight into its rows of one array: the first on the caller's thread, the others side by side as work items on the
/// thread pool's global queue. The same ranges give the same floats, so heads computed here equal, bit for bit, those of
/// a request carrying the user inline, and those of <see cref="UserTowerGrain"/> for the same range.
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

    /// <summary>All N branches' heads, <c>[N, HeadSize]</c>: the first range before this returns, the others on the thread pool.</summary>
    /// <remarks>Awaited from a grain, the caller resumes in its activation.</remarks>
    public static Task<float[]> ComputeAsync(
        IUserTower tower, ImmutableArray<int> fields, ImmutableArray<int> behaviours, int split,
        CancellationToken cancellationToken, ImmutableArray<float> behaviourAttributes = default)
    {
        ArgumentNullException.ThrowIfNull(tower);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<float[]>(cancellationToken);
        }

        var heads = new float[tower.BranchCount * tower.HeadSize];
        var parts = PartsOf(tower, split);
        var bounds = tower.SplitBranches(parts);
        var ranges = new Task[parts - 1];
        for (var p = 1; p < parts; p++)
        {
            var (first, count) = (bounds[p], bounds[p + 1] - bounds[p]);
            // The global queue, where any worker that wakes takes it (queued to this thread's local queue, it waited
            // until this thread was free unless another worker stole it). Waking a sleeping worker is not free: ~0.7 ms
            // on average on the 2-vCPU VM at low load (bench/results/2core-amd-epyc/cluster/load-session13.md).
            ranges[p - 1] = Task.Factory.StartNew(
                () => Compute(tower, fields, behaviours, behaviourAttributes, first, count, heads),
                cancellationToken, TaskCreationOptions.PreferFairness, TaskScheduler.Default);
        }

        Task firstRange;
        try
        {
            Compute(tower, fields, behaviours, behaviourAttributes, bounds[0], bounds[1] - bounds[0], heads); // the first range here, meanwhile
            firstRange = Task.CompletedTask;
        }
        catch (Exception e)
        {
            firstRange = Task.FromException(e); // the caller gets a faulted task, and the other ranges are still waited for
        }

        return ranges.Length == 0 && firstRange.IsCompletedSuccessfully ? Task.FromResult(heads) : Joined([firstRange, .. ranges], heads);
    }

    private static void Compute(
        IUserTower tower, ImmutableArray<int> fields, ImmutableArray<int> behaviours, ImmutableArray<float> behaviourAttributes, int first, int count, float[] heads) =>
        tower.ComputeBranches(
            fields.AsSpan(), behaviours.AsSpan(), behaviourAttributes.AsSpan(), first, heads.AsSpan(first * tower.HeadSize, count * tower.HeadSize));

    // Every range's end is observed; the first failure in range order is the one thrown.
    private static async Task<float[]> Joined(Task[] ranges, float[] heads)
    {
        await Task.WhenAll(ranges).ConfigureAwait(false); // continues on whichever range finished last; the caller's await returns to its context
        return heads;
    }
}
