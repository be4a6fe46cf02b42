using FitCluster.Model;

namespace FitCluster.Grains;

/// <summary>Where a silo computes (configuration section <c>Inference</c>): CPU, or CUDA for the user tower and LSS.</summary>
public sealed class InferenceServiceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Inference";

    /// <summary>
    /// <see cref="ExecutionProvider.Cpu"/> (default): the native C# user tower and LSS. <see cref="ExecutionProvider.Cuda"/>:
    /// the ONNX user tower and FIT's LSS as an ONNX scoring graph on the GPU, each shard's item heads held in GPU memory.
    /// Needs the CUDA build (<c>./fit build --gpu</c>) and a GPU; the silo probes it at start and refuses to start without
    /// it unless <see cref="FallbackToCpu"/>.
    /// </summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>CUDA device ordinal. Default 0.</summary>
    public int DeviceId { get; set; }

    /// <summary>Whether a silo asking for CUDA where it is unusable logs why and serves on CPU instead of refusing to start. Default false.</summary>
    public bool FallbackToCpu { get; set; }

    /// <summary>ONNX Runtime intra-op threads per session on the device path (0 = ONNX Runtime chooses). Default 1.</summary>
    public int IntraOpThreads { get; set; } = 1;
}
