namespace FitCluster.Model.Tests;

public sealed class ExecutionProviderProbeTests
{
    [Fact]
    public void Probe_Cpu_Works()
    {
        Assert.Null(ExecutionProviderProbe.Probe(new InferenceOptions()));
    }

    [Fact]
    public void Probe_CudaOnThisGpuLessHost_SaysWhy()
    {
        var why = ExecutionProviderProbe.Probe(new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda });
        Assert.SkipWhen(why is null, "this host has a usable CUDA provider");

        Assert.Contains("CUDA execution provider", why, StringComparison.Ordinal);
        Assert.Contains(ExecutionProviderProbe.BuildFlavor == "Cuda" ? "not usable on this host" : "not in this build", why, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingLibraries_NamesEachLibraryOnce()
    {
        const string message = "[ErrorCode:Fail] Failed to load library libonnxruntime_providers_cuda.so with error: " +
            "libcublasLt.so.13: cannot open shared object file: No such file or directory; libcublasLt.so.13 again";

        Assert.Equal(["libonnxruntime_providers_cuda.so", "libcublasLt.so.13"], ExecutionProviderProbe.MissingLibraries(message));
        Assert.Empty(ExecutionProviderProbe.MissingLibraries("no GPU found"));
    }
}
