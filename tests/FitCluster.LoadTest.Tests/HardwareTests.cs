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

    [Theory]
    [InlineData("AMD EPYC", 2, "2core-amd-epyc")]
    [InlineData("  Intel(R) Xeon(R) CPU @ 2.20GHz ", 4, "4core-intel-r-xeon-r-cpu-2-20ghz")] // as ./fit's sed names it
    [InlineData(null, 8, "8core-cpu")]
    [InlineData("(((", 1, "1core-cpu")]
    public void Slug_CoresThenTheModelDashed(string? model, int cores, string expected) => Assert.Equal(expected, Hardware.Slug(model, cores));
}
