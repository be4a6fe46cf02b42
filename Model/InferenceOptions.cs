namespace FitCluster.Model;

/// <summary>How a loaded model computes: which user tower implementation, which ONNX Runtime provider, how many threads.</summary>
public sealed record InferenceOptions
{
    /// <summary>User tower implementation. Default <see cref="UserTowerImplementation.Native"/> (measured faster, see bench/results).</summary>
    public UserTowerImplementation UserTower { get; init; } = UserTowerImplementation.Native;

    /// <summary>ONNX Runtime execution provider for ONNX graphs. Default <see cref="ExecutionProvider.Cpu"/>.</summary>
    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>CUDA device ordinal when <see cref="ExecutionProvider"/> is CUDA. Default 0.</summary>
    public int DeviceId { get; init; }

    /// <summary>ONNX Runtime intra-op threads per session; 0 lets ONNX Runtime choose (one per core). Default 1: a server runs requests in parallel.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Whether loading verifies every file's SHA-256 against the manifest. Default true.</summary>
    public bool VerifyChecksums { get; init; } = true;
}
