using System.Diagnostics;
using FitCluster.Training.Cli;

namespace FitCluster.Training.Tests.Cli;

public sealed class RunClaimTests : IDisposable
{
    private readonly TempDirectory _temp = new("fit-claim");

    public void Dispose() => _temp.Dispose();

    private string Run(string name) => Path.Combine(_temp.Path, "runs", name);

    [Fact]
    public void TryTake_FreeRun_HeldUntilReleased_ThenFreeAgain()
    {
        var run = Run("fit-s1");

        using (var claim = RunClaim.TryTake(run, out var heldBy))
        {
            Assert.NotNull(claim);
            Assert.Null(heldBy);
            Assert.Equal(Path.Combine(_temp.Path, "runs", "fit-s1.claim"), RunClaim.PathOf(run)); // beside the run's folder

            // A second taker (another open of the file: the lock is per open file) is refused and told who holds it.
            Assert.Null(RunClaim.TryTake(run, out var second));
            Assert.Equal($"process {Environment.ProcessId} on {Environment.MachineName}", second);
        }

        Assert.True(File.Exists(RunClaim.PathOf(run))); // unfinished: the file stays (only its lock was the claim)
        Assert.False(File.Exists(RunClaim.PathOf(run) + ".holder"));
        using var again = RunClaim.TryTake(run, out _);
        Assert.NotNull(again);
    }

    [Fact]
    public void Dispose_FinishedRun_RemovesTheFile()
    {
        var run = Run("dat-s2");
        var claim = RunClaim.TryTake(run, out _)!;
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, RunWriter.MetricsFileName), "{}");

        claim.Dispose();

        Assert.False(File.Exists(RunClaim.PathOf(run)));
    }

    [Fact]
    public void HolderNoteCannotBeWritten_TheClaimStillWorks_AndIsReleased()
    {
        // The note beside the lock is only for people: a path that cannot be written or removed (here a folder in its
        // place) neither refuses the claim nor keeps the lock after Dispose.
        var run = Run("ranktower-s2");
        Directory.CreateDirectory(RunClaim.PathOf(run) + ".holder");

        var claim = RunClaim.TryTake(run, out _);
        Assert.NotNull(claim);
        Assert.Null(RunClaim.TryTake(run, out var heldBy));
        Assert.Equal("another process", heldBy);

        claim.Dispose();

        using var again = RunClaim.TryTake(run, out _);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task TryTake_HeldByAnotherProcess_RefusedUntilThatProcessIsKilled()
    {
        // Another process holds the lock as `flock -x FILE sleep 60` does (what a bench process does while it trains).
        var run = Run("cold-s3");
        var path = RunClaim.PathOf(run);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".holder", "process 4242 on elsewhere");
        // -o: the lock is flock's own (its child `sleep` would otherwise inherit the locked descriptor and keep the lock
        // for the moment it takes to die after flock has been reaped: a race a loaded CI machine lost).
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-x", "-o", path, "sleep", "60"]) { UseShellExecute = false })!;
        try
        {
            var deadline = Stopwatch.StartNew();
            RunClaim? taken;
            string? heldBy = null;
            while ((taken = RunClaim.TryTake(run, out heldBy)) is not null && deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                taken.Dispose(); // flock has not locked it yet (and this take replaced the holder's note: write it again)
                File.WriteAllText(path + ".holder", "process 4242 on elsewhere");
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            Assert.Null(taken);
            Assert.Equal("process 4242 on elsewhere", heldBy);

            holder.Kill(entireProcessTree: true); // killed: the system drops its lock
            await holder.WaitForExitAsync(TestContext.Current.CancellationToken);

            // The lock goes with the last descriptor, closed as the process exits; poll rather than assume the order.
            var afterKill = Stopwatch.StartNew();
            RunClaim? free;
            while ((free = RunClaim.TryTake(run, out _)) is null && afterKill.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            using (free)
            {
                Assert.NotNull(free);
            }
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task TryTake_ManyTakersAtOnce_ExactlyOneWins()
    {
        var run = Run("inttower-s1");
        using var start = new Barrier(8);

        var claims = Enumerable.Range(0, 8).Select(i => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return RunClaim.TryTake(run, out _);
        }, TaskCreationOptions.LongRunning)).ToArray();

        var won = (await Task.WhenAll(claims)).Where(c => c is not null).ToArray();
        Assert.Single(won);
        won[0]!.Dispose();
    }
}
