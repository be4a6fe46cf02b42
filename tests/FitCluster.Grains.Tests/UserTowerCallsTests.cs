using System.Collections.Immutable;
using FitCluster.Model.Towers;

namespace FitCluster.Grains.Tests;

/// <summary>
/// <see cref="UserTowerCalls"/> without a cluster: every branch range lands in its own rows of one heads array, whatever
/// the split; a failing range faults the returned task (never a synchronous throw) with the first failure in range order.
/// </summary>
public sealed class UserTowerCallsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Ranges_LandInTheirOwnRows(int split)
    {
        using var tower = new RowTower(5, 3);
        var heads = await UserTowerCalls.ComputeAsync(tower, [7], [2, 9], split, TestContext.Current.CancellationToken);

        // Hand-written: branch b's row is b·100 + 10·(user field) + its column; asymmetric in branch and column.
        float[] expected =
        [
            70, 71, 72,
            170, 171, 172,
            270, 271, 272,
            370, 371, 372,
            470, 471, 472,
        ];
        Assert.Equal(expected, heads);
        Assert.Equal(split, tower.Calls);
    }

    [Fact]
    public async Task FailingRanges_FaultTheTask_WithTheFirstRangesError()
    {
        using var tower = new RowTower(4, 2) { FailingFrom = [0, 2] };
        var call = UserTowerCalls.ComputeAsync(tower, [1], [], 2, TestContext.Current.CancellationToken); // no synchronous throw
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
        Assert.Equal("range from branch 0", error.Message);
        Assert.Equal(2, tower.Calls); // the second range ran too, and its failure was observed with the task's
    }

    [Fact]
    public async Task CancelledBeforeStart_CancelledTask_NothingComputed()
    {
        using var tower = new RowTower(4, 2);
        var call = UserTowerCalls.ComputeAsync(tower, [1], [], 2, new CancellationToken(canceled: true));
        Assert.True(call.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, tower.Calls);
    }

    // Branch b's head j = 100·b + 10·userFields[0] + j; records its calls; throws for the ranges that start at FailingFrom.
    private sealed class RowTower(int branches, int headSize) : IUserTower
    {
        private int _calls;

        public int BranchCount => branches;

        public int HeadSize => headSize;

        public string Implementation => "rows";

        public bool ComputesBranchRanges => true;

        public int[] FailingFrom { get; init; } = [];

        public int Calls => Volatile.Read(ref _calls);

        public void Compute(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, Span<float> heads) =>
            ComputeBranches(userFields, behaviours, 0, heads);

        public void ComputeBranches(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, int firstBranch, Span<float> heads)
        {
            Interlocked.Increment(ref _calls);
            if (FailingFrom.Contains(firstBranch))
            {
                throw new InvalidOperationException($"range from branch {firstBranch}");
            }

            for (var i = 0; i < heads.Length; i++)
            {
                heads[i] = (100 * (firstBranch + (i / headSize))) + (10 * userFields[0]) + (i % headSize);
            }
        }

        public void Dispose()
        {
        }
    }
}
