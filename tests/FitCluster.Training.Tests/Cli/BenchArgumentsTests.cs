using System.Diagnostics;
using FitCluster.Training.Cli;

namespace FitCluster.Training.Tests.Cli;

public sealed class BenchArgumentsTests
{
    [Fact]
    public void ParseModels_UnknownName_RefusedBeforeTrainingNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => BenchArguments.ParseModels("two-tower,fit-oops"));

        Assert.StartsWith("Unknown model 'fit-oops': nothing was trained.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseModels_SummariseOnly_AcceptsRunsTrainedByHandUnderAnyName()
    {
        Assert.Equal(["two-tower", "fit-tau3"], BenchArguments.ParseModels("two-tower, fit-tau3", presetsOnly: false));
        Assert.Throws<ArgumentException>(() => BenchArguments.ParseModels("fit,fit", presetsOnly: false));
        Assert.Throws<ArgumentException>(() => BenchArguments.ParseModels(" , ", presetsOnly: false));
    }

    [Fact]
    public async Task Trainer_BadInput_OneClearLineAndExitCode2()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { typeof(BenchArguments).Assembly.Location, "bench", "compare", "--models", "two-tower,fit-oops" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("fit: error: Unknown model 'fit-oops'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
