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

    /// <summary>
    /// Whether <see cref="ComputeBranches(ReadOnlySpan{int}, ReadOnlySpan{int}, int, Span{float})"/> does only the work of the branches asked for, so that splitting a request's
    /// branches over several cores saves time. When false it computes every branch and copies the range out.
    /// </summary>
    bool ComputesBranchRanges => false;

    /// <summary>
    /// Cuts branches <c>0..BranchCount-1</c> into <paramref name="parts"/> consecutive, non-empty ranges of about equal
    /// work, for computing them on several cores: <c>parts + 1</c> increasing boundaries from 0 to <see cref="BranchCount"/>.
    /// </summary>
    /// <param name="parts">How many ranges, 1..<see cref="BranchCount"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parts"/> is outside 1..<see cref="BranchCount"/>.</exception>
    int[] SplitBranches(int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, BranchCount);
        var bounds = new int[parts + 1];
        for (var p = 0; p <= parts; p++)
        {
            bounds[p] = p * BranchCount / parts;
        }

        return bounds;
    }

    /// <summary>
    /// <see cref="ComputeBranches(ReadOnlySpan{int}, ReadOnlySpan{int}, int, Span{float})"/> with each behaviour's
    /// attribute row e_c given (<c>[behaviours, D]</c>, as the shards that own the items answered them), so that the
    /// silo need not hold the whole <c>item.attributes</c> tensor; empty: the tower looks them up itself. A tower that
    /// cannot take them (ONNX: the tensor is inside its graph) ignores them.
    /// </summary>
    void ComputeBranches(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, ReadOnlySpan<float> behaviourAttributes, int firstBranch, Span<float> heads) =>
        ComputeBranches(userFields, behaviours, firstBranch, heads);

    /// <summary>
    /// Computes the user heads of branches <c>firstBranch .. firstBranch + heads.Length / HeadSize − 1</c>: the same
    /// values as <see cref="Compute"/> gives for those rows.
    /// </summary>
    /// <param name="userFields">Vocabulary index of each user feature (0 = unknown).</param>
    /// <param name="behaviours">Item indices (≥ 1) of the user's behaviours, oldest first.</param>
    /// <param name="firstBranch">First branch of the range.</param>
    /// <param name="heads">Receives <c>[count, HeadSize]</c>, row-major; its length is a multiple of <see cref="HeadSize"/>.</param>
    /// <exception cref="ArgumentException">The range is empty or outside <c>0..BranchCount-1</c>, or the shapes are wrong.</exception>
    void ComputeBranches(ReadOnlySpan<int> userFields, ReadOnlySpan<int> behaviours, int firstBranch, Span<float> heads)
    {
        var count = BranchRange.Check(BranchCount, HeadSize, firstBranch, heads.Length);
        if (firstBranch == 0 && count == BranchCount)
        {
            Compute(userFields, behaviours, heads);
            return;
        }

        var all = System.Buffers.ArrayPool<float>.Shared.Rent(BranchCount * HeadSize);
        try
        {
            Compute(userFields, behaviours, all.AsSpan(0, BranchCount * HeadSize));
            all.AsSpan(firstBranch * HeadSize, heads.Length).CopyTo(heads);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(all);
        }
    }
}
