using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Scoring;
using FitCluster.Model.Towers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FitCluster.Model;

/// <summary>
/// Whether an execution provider really works on this host: appends it, creates a session on a tiny graph and runs it
/// once with its output bound to the provider's memory. Asking ONNX Runtime for CUDA without the GPU package, the CUDA
/// libraries or a GPU fails at one of these steps; the probe turns that into a message naming what is missing.
/// </summary>
public static partial class ExecutionProviderProbe
{
    /// <summary>The ONNX Runtime package this build references: <c>Cpu</c> or <c>Cuda</c> (<c>-p:OnnxRuntimeFlavor</c>).</summary>
#if ONNXRUNTIME_CUDA
    public const string BuildFlavor = "Cuda";
#else
    public const string BuildFlavor = "Cpu";
#endif

    /// <summary>Probes <paramref name="options"/>'s provider and device.</summary>
    /// <returns>Null when it works; otherwise why not.</returns>
    public static string? Probe(InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            using var session = OnnxSessions.Create(LssGraph.BuildUpload(halfItems: false, 1, 1), "the provider probe", options);
            using var memory = options.ExecutionProvider == ExecutionProvider.Cuda
                ? new OrtMemoryInfo("Cuda", OrtAllocatorType.DeviceAllocator, options.DeviceId, OrtMemType.Default)
                : null;
            float[] one = [1f];
            long[] zero = [0];
            using var heads = OrtValue.CreateTensorValueFromMemory(one, [1, 1, 1]);
            using var index = OrtValue.CreateTensorValueFromMemory(zero, [1]);
            using var binding = session.CreateIoBinding();
            binding.BindInput("item_heads_in", heads);
            binding.BindInput("query_index_in", index);
            binding.BindOutputToDevice(LssGraph.ItemHeads, memory ?? OrtMemoryInfo.DefaultInstance);
            binding.BindOutputToDevice(LssGraph.QueryIndex, memory ?? OrtMemoryInfo.DefaultInstance);
            using var runOptions = new RunOptions();
            session.RunWithBinding(runOptions, binding);
            using var outputs = binding.GetOutputValues();
            return outputs.Count == 2 && outputs[0].GetTensorTypeAndShape().ElementDataType == TensorElementType.Float
                ? null
                : $"the {options.ExecutionProvider} provider returned unexpected probe outputs";
        }
        catch (ArtifactException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            return Explain(e);
        }
    }

    /// <summary>Names the shared libraries an ONNX Runtime error says it could not load (e.g. <c>libcublasLt.so.13</c>).</summary>
    public static IReadOnlyList<string> MissingLibraries(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return [.. LibraryName().Matches(message).Select(m => m.Value).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Why the CUDA provider failed, in words an operator can act on.</summary>
    internal static string Explain(Exception e)
    {
        var missing = MissingLibraries(e.Message);
        if (missing.Count == 0 && BuildFlavor == "Cuda")
        {
            // ONNX Runtime's exception often says only "Failed to load shared library": try the CUDA provider's
            // dependencies ourselves (its DT_NEEDED entries, plus cuDNN, which it loads later).
            missing = [.. CudaLibraries.Where(name => !NativeLibrary.TryLoad(name, out _))];
        }

        var what = missing.Count > 0 ? $"missing shared libraries: {string.Join(", ", missing)}" : e.Message;
        return BuildFlavor == "Cuda"
            ? $"the CUDA execution provider is not usable on this host ({what}). The GPU build of ONNX Runtime needs an " +
              "NVIDIA GPU with its driver, CUDA 13 (runtime, cuBLAS, cuBLASLt, cuRAND) and cuDNN 9 on the library path. " +
              $"ONNX Runtime said: {e.Message}"
            : "the CUDA execution provider is not in this build: it references the CPU ONNX Runtime package " +
              $"(build with `./fit build --gpu` or -p:OnnxRuntimeFlavor=Cuda). ONNX Runtime said: {e.Message}";
    }

    /// <summary>What libonnxruntime_providers_cuda.so 1.32 needs from CUDA 13, cuDNN 9 and the driver.</summary>
    internal static IReadOnlyList<string> CudaLibraries { get; } =
        ["libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9"];

    [GeneratedRegex(@"lib[A-Za-z0-9_+\-]+\.so(\.[0-9]+)*")]
    private static partial Regex LibraryName();
}
