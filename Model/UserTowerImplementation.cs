namespace FitCluster.Model;

/// <summary>Which implementation computes the user tower.</summary>
public enum UserTowerImplementation
{
    /// <summary>Plain C# over the artifact's folded weights (SIMD GEMM).</summary>
    Native,

    /// <summary>The artifact's <c>user_tower.onnx</c> in ONNX Runtime.</summary>
    Onnx,
}
