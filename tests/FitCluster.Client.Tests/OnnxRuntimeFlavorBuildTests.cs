using System.Diagnostics;

namespace FitCluster.Client.Tests;

/// <summary>
/// The build's one-ONNX-Runtime rule (Directory.Build.targets, FIT0001): a project whose restore brought both the CPU and
/// a GPU ONNX Runtime package fails to build. Checked on a tiny project with a hand-written assets file, so no package is
/// restored (the GPU package is ~550 MB); and <c>./fit build --gpu</c> passes the flavour to the build.
/// </summary>
public sealed class OnnxRuntimeFlavorBuildTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fit-ort-flavor-").FullName;

    [Theory]
    [InlineData(new[] { "Microsoft.ML.OnnxRuntime/1.32.0", "Microsoft.ML.OnnxRuntime.Gpu.Linux/1.32.0" }, true)]
    [InlineData(new[] { "Microsoft.ML.OnnxRuntime/1.32.0", "Microsoft.ML.OnnxRuntime.Gpu/1.32.0" }, true)]
    [InlineData(new[] { "Microsoft.ML.OnnxRuntime/1.32.0", "Microsoft.ML.OnnxRuntime.Managed/1.32.0" }, false)]
    [InlineData(new[] { "Microsoft.ML.OnnxRuntime.Gpu.Linux/1.32.0", "Microsoft.ML.OnnxRuntime.Managed/1.32.0" }, false)]
    public async Task Build_WithBothCpuAndGpuOnnxRuntime_FailsWithFit0001(string[] libraries, bool fails)
    {
        var assets = Path.Combine(_directory, "project.assets.json");
        await File.WriteAllTextAsync(
            assets,
            "{ \"version\": 3, \"libraries\": { " + string.Join(", ", libraries.Select(l => $"\"{l}\": {{ \"type\": \"package\" }}")) + " } }",
            TestContext.Current.CancellationToken);
        var project = Path.Combine(_directory, "tiny.proj");
        await File.WriteAllTextAsync(project, $"""
            <Project>
              <PropertyGroup>
                <ProjectAssetsFile>{assets}</ProjectAssetsFile>
                <OnnxRuntimeFlavor>Cpu</OnnxRuntimeFlavor>
                <OnnxRuntimePackage>Microsoft.ML.OnnxRuntime</OnnxRuntimePackage>
              </PropertyGroup>
              <Import Project="{Path.Combine(DeploymentConfigurationTests.RepositoryRoot(), "Directory.Build.targets")}" />
              <Target Name="ResolvePackageAssets" />
            </Project>
            """, TestContext.Current.CancellationToken);

        var (exitCode, output) = await RunAsync("dotnet", ["msbuild", project, "-t:ResolvePackageAssets", "-nologo", "-noAutoResponse", "-nodeReuse:false"]);

        if (fails)
        {
            Assert.NotEqual(0, exitCode);
            Assert.Contains("error FIT0001", output, StringComparison.Ordinal);
            Assert.Contains("both the CPU ONNX Runtime", output, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(exitCode == 0, output);
            Assert.DoesNotContain("FIT0001", output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new[] { "build", "--gpu" }, true)]
    [InlineData(new[] { "build" }, false)]
    public async Task FitBuild_Gpu_PassesTheCudaFlavour(string[] arguments, bool cuda)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "./fit is a bash script for Linux hosts");
        var bin = Directory.CreateDirectory(Path.Combine(_directory, "bin")).FullName;
        var log = Path.Combine(_directory, "calls.txt");
        var fake = Path.Combine(bin, "dotnet");
        await File.WriteAllTextAsync(fake, $"#!/bin/sh\nprintf '%s\\t' \"$@\" >> '{log}'\nprintf '\\n' >> '{log}'\n", TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var (exitCode, output) = await RunAsync("bash", [Path.Combine(DeploymentConfigurationTests.RepositoryRoot(), "fit"), .. arguments], bin);

        Assert.True(exitCode == 0, output);
        var call = (await File.ReadAllTextAsync(log, TestContext.Current.CancellationToken)).Split('\t');
        Assert.Equal("build", call[0]);
        Assert.Equal(cuda, call.Contains("-p:OnnxRuntimeFlavor=Cuda"));
        Assert.DoesNotContain("--gpu", call);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string? pathPrefix = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (pathPrefix is not null)
        {
            start.Environment["PATH"] = $"{pathPrefix}:{Environment.GetEnvironmentVariable("PATH")}";
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
