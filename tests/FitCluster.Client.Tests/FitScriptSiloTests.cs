using System.Diagnostics;
using FitCluster.Silo;

namespace FitCluster.Client.Tests;

/// <summary>
/// <c>./fit silo</c>'s options, run against a stand-in <c>dotnet</c> on PATH that records how it was called (the real
/// silo is covered by the end-to-end tests; here only what the script passes on matters).
/// </summary>
public sealed class FitScriptSiloTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fit-script-").FullName;

    [Theory]
    [InlineData(true, null, ThreadPoolSpin.LowLatencyValue)]
    [InlineData(false, null, "unset")]
    [InlineData(true, "0", "0")] // an operator's explicit value wins
    public async Task Silo_LowLatency_SetsTheSpinLimitForTheSiloProcess(bool lowLatency, string? preset, string expected)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "./fit is a bash script for Linux hosts");
        var artifacts = Directory.CreateDirectory(Path.Combine(_directory, "artifacts")).FullName;
        string[] options = lowLatency ? ["silo", "--low-latency", "--artifact", artifacts] : ["silo", "--artifact", artifacts];

        var calls = await RunFitAsync(options, preset);

        var silo = calls.Single(call => call[0].EndsWith("FitCluster.Silo.dll", StringComparison.Ordinal));
        Assert.Equal(expected, silo[^1]);
        Assert.Contains($"--Ranking:ArtifactRoot={artifacts}", silo);
        Assert.DoesNotContain("--low-latency", silo); // consumed by the script, not passed on as configuration
    }

    [Theory]
    [InlineData(new[] { "models" }, new[] { "models" })]
    [InlineData(new[] { "models", "--gateway", "http://10.0.0.1:8080" }, new[] { "models", "--gateway", "http://10.0.0.1:8080" })]
    [InlineData(new[] { "activate", "fit-v2" }, new[] { "activate", "fit-v2" })]
    [InlineData(new[] { "activate", "fit-v2", "--gateway", "http://10.0.0.1:5080" }, new[] { "activate", "fit-v2", "--gateway", "http://10.0.0.1:5080" })]
    public async Task ModelsAndActivate_RunTheClientCommand(string[] arguments, string[] expected)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "./fit is a bash script for Linux hosts");

        var calls = await RunFitAsync(arguments, null);

        var client = calls.Single(call => call[0].EndsWith("FitCluster.Client.dll", StringComparison.Ordinal));
        Assert.Equal(expected, client[1..^1]); // the client's arguments, before the recorded environment value
    }

    [Fact]
    public async Task Help_ListsModelsAndActivate()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "./fit is a bash script for Linux hosts");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(DeploymentConfigurationTests.RepositoryRoot(), "fit"));
        start.ArgumentList.Add("help");

        using var process = Process.Start(start)!;
        var usage = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Contains("models [--gateway URL]", usage, StringComparison.Ordinal);
        Assert.Contains("activate VERSION [--gateway URL]", usage, StringComparison.Ordinal);
        Assert.Contains("FITCLUSTER_ADMIN_TOKEN", usage, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Runs ./fit with a fake dotnet that appends one line per call: its arguments, then the spin variable's value.
    private async Task<List<string[]>> RunFitAsync(string[] arguments, string? spinLimit)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_directory, "bin")).FullName;
        var log = Path.Combine(_directory, "calls.txt");
        var fake = Path.Combine(bin, "dotnet");
        await File.WriteAllTextAsync(fake, $$"""
            #!/bin/sh
            printf '%s\t' "$@" >> '{{log}}'
            printf '%s\n' "${{{ThreadPoolSpin.EnvironmentVariable}}-unset}" >> '{{log}}'
            """.ReplaceLineEndings("\n"), TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(DeploymentConfigurationTests.RepositoryRoot(), "fit"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment.Remove(ThreadPoolSpin.EnvironmentVariable);
        if (spinLimit is not null)
        {
            start.Environment[ThreadPoolSpin.EnvironmentVariable] = spinLimit;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"./fit {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}");
        return [.. (await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken)).Select(line => line.Split('\t'))];
    }
}
