using FitCluster.Silo;

namespace FitCluster.Client.Tests;

public sealed class ThreadPoolSpinTests
{
    [Fact]
    public void Resolve_NothingSet_IsTheRuntimeDefault()
    {
        Assert.Equal((ThreadPoolSpin.RuntimeDefault, "the runtime default"), ThreadPoolSpin.Resolve(null, null));
    }

    [Theory]
    [InlineData("1000", 4096)] // the runtime reads the environment variable as hexadecimal: 1000 is not a thousand
    [InlineData("0x1000", 4096)]
    [InlineData("46", 70)]
    [InlineData("0", 0)]
    [InlineData("ff", 255)]
    public void Resolve_EnvironmentVariable_IsHexadecimal(string environment, int spins)
    {
        var (resolved, source) = ThreadPoolSpin.Resolve(environment, "9");

        Assert.Equal(spins, resolved);
        Assert.Contains("hexadecimal", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_RuntimeSetting_IsDecimalAndYieldsToTheEnvironment()
    {
        Assert.Equal(1000, ThreadPoolSpin.Resolve(null, "1000").Spins);
        Assert.Equal(16, ThreadPoolSpin.Resolve("10", "1000").Spins);
    }

    [Theory]
    [InlineData("010", 8)]     // a leading 0 is octal to the runtime
    [InlineData("0x10", 16)]
    [InlineData("0", 0)]
    public void Resolve_RuntimeSetting_FollowsTheRuntimesNumberForms(string setting, int spins)
    {
        Assert.Equal(spins, ThreadPoolSpin.Resolve(null, setting).Spins);
    }

    [Theory]
    [InlineData("spin", null)]    // not hexadecimal: skipped
    [InlineData("-1", null)]
    [InlineData(null, "-5")]      // negative: skipped
    [InlineData(null, "lots")]
    public void Resolve_UnusableValues_FallBack(string? environment, string? setting)
    {
        Assert.Equal(ThreadPoolSpin.RuntimeDefault, ThreadPoolSpin.Resolve(environment, setting).Spins);
    }

    [Fact]
    public void Resolve_AboveTheRuntimesCeiling_IsIgnoredLikeTheRuntimeDoes()
    {
        var (spins, source) = ThreadPoolSpin.Resolve("100000", null); // 1,048,576 > 1,000,000

        Assert.Equal(ThreadPoolSpin.RuntimeDefault, spins);
        Assert.Contains("ignored", source, StringComparison.Ordinal);
    }

    [Fact]
    public void LowLatencyValue_Is65536Spins()
    {
        Assert.Equal(65_536, ThreadPoolSpin.Resolve(ThreadPoolSpin.LowLatencyValue, null).Spins);
    }
}
