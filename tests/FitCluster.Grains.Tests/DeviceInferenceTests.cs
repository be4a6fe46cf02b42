using FitCluster.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FitCluster.Grains.Tests;

/// <summary>A silo asking for CUDA on this GPU-less host: refused at start with the reason, or served on CPU when allowed to fall back.</summary>
public sealed class DeviceInferenceTests
{
    private static readonly bool s_cudaUsable = ExecutionProviderProbe.Probe(new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda }) is null;

    [Fact]
    public void Validate_Defaults_SucceedOnCpuWithoutProbing()
    {
        var (device, probe, _) = Create(new InferenceServiceOptions());

        var result = new InferenceServiceOptionsValidator(probe).Validate(null, new InferenceServiceOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(ExecutionProvider.Cpu, device.Provider);
    }

    [Fact]
    public void Validate_CudaWithoutGpu_RefusesNamingWhyAndTheFallback()
    {
        Assert.SkipWhen(s_cudaUsable, "this host has a usable CUDA provider");
        var options = new InferenceServiceOptions { ExecutionProvider = ExecutionProvider.Cuda };
        var (device, probe, _) = Create(options);

        var result = new InferenceServiceOptionsValidator(probe).Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Inference:ExecutionProvider is Cuda but the CUDA execution provider is not", failure, StringComparison.Ordinal);
        Assert.EndsWith("Set Inference:FallbackToCpu=true to serve on CPU instead.", failure, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => device.Provider); // the validator stops the silo first; never served half-configured
    }

    [Fact]
    public async Task CudaWithoutGpu_FallbackToCpu_LogsWhyAndServesOnCpu()
    {
        Assert.SkipWhen(s_cudaUsable, "this host has a usable CUDA provider");
        var options = new InferenceServiceOptions { ExecutionProvider = ExecutionProvider.Cuda, FallbackToCpu = true };
        var (device, probe, logger) = Create(options);

        var result = new InferenceServiceOptionsValidator(probe).Validate(null, options);
        await new DeviceInferenceStartup(device).StartAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(ExecutionProvider.Cpu, device.Provider);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("FallbackToCpu is set: serving on CPU", warning.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA execution provider", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDeviceInference_ResolvesWithoutCycles()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddDeviceInference();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Equal(ExecutionProvider.Cpu, provider.GetRequiredService<IOptions<InferenceServiceOptions>>().Value.ExecutionProvider);
        Assert.Equal(ExecutionProvider.Cpu, provider.GetRequiredService<DeviceInference>().Provider);
        Assert.Single(provider.GetServices<IHostedService>().OfType<DeviceInferenceStartup>());
    }

    [Fact]
    public void Validate_EveryProblemReportedAtOnce()
    {
        var options = new InferenceServiceOptions { ExecutionProvider = (ExecutionProvider)7, DeviceId = -1, IntraOpThreads = -2 };
        var (device, probe, _) = Create(options);

        var result = new InferenceServiceOptionsValidator(probe).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains("Inference:DeviceId must not be negative, got -1.", result.Failures!);
    }

    private static (DeviceInference Device, DeviceProbe Probe, RecordingLogger<DeviceInference> Logger) Create(InferenceServiceOptions options)
    {
        var logger = new RecordingLogger<DeviceInference>();
        var probe = new DeviceProbe();
        return (new DeviceInference(Options.Create(options), probe, logger), probe, logger);
    }
}
