using FitCluster.Model.Artifacts;
using Microsoft.ML.OnnxRuntime;

namespace FitCluster.Model.Towers;

/// <summary>Creates ONNX Runtime sessions with the configured execution provider and threads.</summary>
internal static class OnnxSessions
{
    public static InferenceSession Create(string path, InferenceOptions options) => Create(path, null, path, options);

    /// <summary>A session over a graph generated in memory (the LSS scoring graph).</summary>
    public static InferenceSession Create(byte[] model, string description, InferenceOptions options) => Create(null, model, description, options);

    /// <summary>Session options with the execution provider appended.</summary>
    /// <exception cref="ArtifactException">The provider is not usable here; the message says why (which libraries are missing).</exception>
    public static SessionOptions Options(InferenceOptions options)
    {
        var session = new SessionOptions
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
                session.Dispose();
                throw new ArtifactException(ExecutionProviderProbe.Explain(e), e);
            }
        }

        return session;
    }

    private static InferenceSession Create(string? path, byte[]? model, string description, InferenceOptions options)
    {
        using var session = Options(options);
        try
        {
            return path is not null ? new InferenceSession(path, session) : new InferenceSession(model!, session);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ArtifactException($"{description}: ONNX Runtime refused the graph on the {options.ExecutionProvider} provider: {e.Message}", e);
        }
    }
}
