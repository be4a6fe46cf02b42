using FitCluster.Model.Numerics;

namespace FitCluster.Model.Tests.Numerics;

public sealed class HugePagesTests
{
    [Fact]
    public void Allocate_GivesWritableArraysOfTheLength()
    {
        var small = HugePages.Allocate<int>(3);
        Assert.Equal(3, small.Length);
        var large = HugePages.Allocate<float>((HugePages.MinimumBytes / sizeof(float)) + 5);
        large.AsSpan().Fill(2.5f);
        Assert.All(new[] { large[0], large[^1] }, v => Assert.Equal(2.5f, v));
        Assert.Empty(HugePages.Allocate<byte>(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HugePages.Allocate<byte>(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => HugePages.Allocate<byte>((long)Array.MaxLength + 1));
    }

    [Fact]
    public void Allocate_Large_IsAdvisedWhereTheKernelOffersHugePages()
    {
        const string mode = "/sys/kernel/mm/transparent_hugepage/enabled";
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists(mode) && !File.ReadAllText(mode).Contains("[never]", StringComparison.Ordinal),
            "transparent huge pages are not offered here");
        var before = Interlocked.Read(ref HugePages.AdvisedRanges);

        var array = HugePages.Allocate<byte>(3 * HugePages.MinimumBytes);

        Assert.True(Interlocked.Read(ref HugePages.AdvisedRanges) > before, "a 12 MB array spans whole 2 MB pages and was advised");
        Assert.Equal(3 * HugePages.MinimumBytes, array.LongLength);
    }
}
