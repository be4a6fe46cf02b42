using FitCluster.Model.Artifacts;
using Microsoft.ML.OnnxRuntime;

namespace FitCluster.Model.Towers;

/// <summary>Creates ONNX Runtime sessions with the configured execution provider and threads.</summary>
internal static class OnnxSessions
{
    public static InferenceSession Create(string path, InferenceOptions options)
    {
        using var session = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
        };
        if (options.ExecutionProvider == ExecutionProvider.Cuda)
        {
            try
            {
                session.AppendExecutionProvider_CUDA(options.DeviceId);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                throw new ArtifactException(
                    "The CUDA execution provider is not available in this ONNX Runtime build (the CPU package is installed; " +
                    $"use Microsoft.ML.OnnxRuntime.Gpu on a GPU host): {e.Message}", e);
            }
        }

        try
        {
            return new InferenceSession(path, session);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ArtifactException($"{path}: ONNX Runtime refused the graph: {e.Message}", e);
        }
    }
}
