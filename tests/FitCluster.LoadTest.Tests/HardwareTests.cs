namespace FitCluster.LoadTest.Tests;

public sealed class HardwareTests
{
    [Fact]
    public void CpuModel_TakesTheFirstModelNameWithSpacesCollapsed()
    {
        const string CpuInfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC  7B13 64-Core Processor\nprocessor\t: 1\nmodel name\t: other\n";

        Assert.Equal("AMD EPYC 7B13 64-Core Processor", Hardware.CpuModel(CpuInfo));
    }

    [Fact]
    public void CpuModel_NoModelName_IsNull()
    {
        Assert.Null(Hardware.CpuModel("processor\t: 0\nBogoMIPS\t: 50.00\n"));
        Assert.Null(Hardware.CpuModel(null));
    }

    [Fact]
    public void Describe_EndsWithTheCoreCount()
    {
        Assert.EndsWith($", {Environment.ProcessorCount} cores", Hardware.Describe(), StringComparison.Ordinal);
    }
}
