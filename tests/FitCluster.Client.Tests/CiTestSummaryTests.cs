using System.Diagnostics;

namespace FitCluster.Client.Tests;

/// <summary>
/// <c>.ci/test-summary</c>: the count line CI ends with, and the names of failed tests on the lines before it (a CI log
/// kept only by its tail must still say which tests failed). Run on hand-written TRX files.
/// </summary>
public sealed class CiTestSummaryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ci-summary-").FullName;

    [Fact]
    public async Task TwoFiles_CountsEveryOutcome_NamesEveryFailedTestBeforeTheCountLine()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), ".ci/test-summary is a bash script");
        await WriteTrxAsync("a/one.trx",
            Result("Ns.A.First", "Passed"),
            Result("Ns.A.Broken(text: &quot;x&amp;y&quot;)", "Failed"),
            Result("Ns.A.Later", "NotExecuted"));
        await WriteTrxAsync("b/two.trx",
            Result("Ns.B.Second", "Passed"),
            Result("Ns.B.Third", "Passed"),
            Result("Ns.B.AlsoBroken", "Failed"));

        var (exitCode, lines) = await RunAsync(status: 1);

        Assert.Equal(0, exitCode);
        Assert.Equal("3 passed, 2 failed, 1 skipped", lines[^1]);
        Assert.Equal(["failed: Ns.A.Broken(text: \"x&y\")", "failed: Ns.B.AlsoBroken"], lines[..^1].Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ManyFailures_FortyNamedThenHowManyMore()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), ".ci/test-summary is a bash script");
        await WriteTrxAsync("many.trx", [.. Enumerable.Range(0, 43).Select(i => Result($"Ns.Many.T{i:D2}", "Failed")), Result("Ns.Ok", "Passed")]);

        var (_, lines) = await RunAsync(status: 1);

        Assert.Equal("1 passed, 43 failed", lines[^1]);
        Assert.Equal(41, lines.Length - 1);
        Assert.Equal(40, lines.Count(line => line.StartsWith("failed: Ns.Many.T", StringComparison.Ordinal)));
        Assert.Equal("failed: ... and 3 more", lines[^2]);
    }

    [Fact]
    public async Task NoFailures_OnlyTheCountLine()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), ".ci/test-summary is a bash script");
        await WriteTrxAsync("ok.trx", Result("Ns.Ok.One", "Passed"), Result("Ns.Ok.Two", "Passed"));

        var (_, lines) = await RunAsync(status: 0);

        Assert.Equal(["2 passed, 0 failed"], lines);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Result(string name, string outcome) =>
        $"""<UnitTestResult executionId="{Guid.NewGuid()}" testName="{name}" computerName="vm" outcome="{outcome}" />""";

    private async Task WriteTrxAsync(string relativePath, params string[] results)
    {
        var path = Path.Combine(_directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, $"<TestRun><Results>\n{string.Join('\n', results)}\n</Results></TestRun>\n",
            TestContext.Current.CancellationToken);
    }

    private async Task<(int ExitCode, string[] Lines)> RunAsync(int status)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(DeploymentConfigurationTests.RepositoryRoot(), ".ci", "test-summary"));
        start.ArgumentList.Add(_directory);
        start.ArgumentList.Add(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        await stderr;
        return (process.ExitCode, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
