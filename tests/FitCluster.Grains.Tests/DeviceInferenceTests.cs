using FitCluster.Model;
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
        var (device, _) = Create(new InferenceServiceOptions());

        var result = new InferenceServiceOptionsValidator(device).Validate(null, new InferenceServiceOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(ExecutionProvider.Cpu, device.Provider);
    }

    [Fact]
    public void Validate_CudaWithoutGpu_RefusesNamingWhyAndTheFallback()
    {
        Assert.SkipWhen(s_cudaUsable, "this host has a usable CUDA provider");
        var options = new InferenceServiceOptions { ExecutionProvider = ExecutionProvider.Cuda };
        var (device, _) = Create(options);

        var result = new InferenceServiceOptionsValidator(device).Validate(null, options);

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
        var (device, logger) = Create(options);

        var result = new InferenceServiceOptionsValidator(device).Validate(null, options);
        await new DeviceInferenceStartup(device).StartAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(ExecutionProvider.Cpu, device.Provider);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("FallbackToCpu is set: serving on CPU", warning.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA execution provider", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EveryProblemReportedAtOnce()
    {
        var options = new InferenceServiceOptions { ExecutionProvider = (ExecutionProvider)7, DeviceId = -1, IntraOpThreads = -2 };
        var (device, _) = Create(options);

        var result = new InferenceServiceOptionsValidator(device).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains("Inference:DeviceId must not be negative, got -1.", result.Failures!);
    }

    private static (DeviceInference Device, RecordingLogger<DeviceInference> Logger) Create(InferenceServiceOptions options)
    {
        var logger = new RecordingLogger<DeviceInference>();
        return (new DeviceInference(Options.Create(options), logger), logger);
    }
}
