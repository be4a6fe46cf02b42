namespace FitCluster.Model;

/// <summary>ONNX Runtime execution provider.</summary>
public enum ExecutionProvider
{
    /// <summary>The CPU provider (the package on the mirror).</summary>
    Cpu,

    /// <summary>The CUDA provider; needs the GPU build of ONNX Runtime (Microsoft.ML.OnnxRuntime.Gpu) and a GPU.</summary>
    Cuda,
}
