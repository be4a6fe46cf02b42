using FitCluster.LoadTest.Scale;

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
}
