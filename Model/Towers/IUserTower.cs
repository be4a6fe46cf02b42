namespace FitCluster.Model.Towers;

/// <summary>
/// The user side of a model for one request: every branch's user heads (FIT: the N hard queries of §4.3.2; Two-Tower:
/// one branch holding the user vector).
/// </summary>
/// <remarks>Implementations are thread-safe; each call uses its own scratch memory.</remarks>
public interface IUserTower : IDisposable
{
    /// <summary>N: branches computed per request.</summary>
    int BranchCount { get; }

    /// <summary>Floats per branch: H_u × p.</summary>
    int HeadSize { get; }

    /// <summary>Which implementation this is, for logs and benchmarks (<c>native</c>, <c>onnx</c>).</summary>
    string Implementation { get; }

    /// <summary>Computes the user heads of all branches.</summary>
    /// <param name="userFields">Vocabulary index of each user feature (0 = unknown).</param>
    /// <param name="behaviours">Item indices (≥ 1) of the user's behaviours, oldest first, at most the model's sequence length.</param>
    /// <param name="heads">Receives <c>[BranchCount, HeadSize]</c>, row-major.</param>
    void Compute(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, Span<float> heads);
}
