using FitCluster.LoadTest.Scale;
using FitCluster.Model.Tests;

namespace FitCluster.LoadTest.Tests.Scale;

public sealed class HostProcessTests
{
    [Fact]
    public void ParseStatus_RssAndPeakInBytes()
    {
        const string Status = "Name:\tdotnet\nVmPeak:\t 9000000 kB\nVmHWM:\t  524288 kB\nVmRSS:\t  131072 kB\nThreads:\t40\n";

        Assert.Equal((128L * 1024 * 1024, 512L * 1024 * 1024), HostProcess.ParseStatus(Status));
    }

    [Fact]
    public void ParseStatus_KernelThreadWithoutMemory_Null() => Assert.Null(HostProcess.ParseStatus("Name:\tkthreadd\nState:\tS (sleeping)\n"));

    [Fact]
    public async Task Start_AwaitedAndFailureLines_SignalledWithTheLine_OutputLogged()
    {
        using var temp = new TempDirectory();
        var log = temp.Combine("child.log");
        await using var child = HostProcess.Start("child", "/bin/sh", ["-c", "echo starting; echo 'Ready to accept'; echo 'warn: Refused artifact folder /x: bad'"], log,
            awaitedLine: "Ready to accept", failureLine: "Refused artifact folder");

        var failure = await child.FailureSeen.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await child.LineSeen.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal("warn: Refused artifact folder /x: bad", failure);
        Assert.Contains("starting", child.Tail(), StringComparison.Ordinal);
        await child.DisposeAsync();
        Assert.Equal(["starting", "Ready to accept", "warn: Refused artifact folder /x: bad"], File.ReadAllLines(log));
    }

    [Fact]
    public async Task Start_OnLine_GetsEveryLineInOrder()
    {
        using var temp = new TempDirectory();
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var child = HostProcess.Start("child", "/bin/sh", ["-c", "echo one; echo two; echo three; echo 'Ready to accept'"], temp.Combine("child.log"),
            awaitedLine: "Ready to accept", onLine: lines.Enqueue);

        await child.LineSeen.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(["one", "two", "three", "Ready to accept"], lines);
    }
}
