namespace FitCluster.Model.Towers;

/// <summary>Checks a range of user-tower branches asked of <see cref="IUserTower.ComputeBranches(ReadOnlySpan{int}, ReadOnlySpan{int}, int, Span{float})"/>.</summary>
public static class BranchRange
{
    /// <summary>The number of branches in the range, after checking it lies inside <c>0..branchCount-1</c>.</summary>
    /// <param name="branchCount">The tower's N.</param>
    /// <param name="headSize">Floats per branch.</param>
    /// <param name="firstBranch">First branch asked for.</param>
    /// <param name="length">Length of the output span.</param>
    /// <exception cref="ArgumentException">The range is empty, outside the tower, or not a whole number of branches.</exception>
    public static int Check(int branchCount, int headSize, int firstBranch, int length)
    {
        if (headSize <= 0 || length <= 0 || length % headSize != 0)
        {
            throw new ArgumentException($"The output holds {length} floats: not a positive multiple of the head size {headSize}.", nameof(length));
        }

        var count = length / headSize;
        if (firstBranch < 0 || firstBranch + count > branchCount)
        {
            throw new ArgumentException(
                $"Branches {firstBranch}..{firstBranch + count - 1} are outside the tower's 0..{branchCount - 1}.", nameof(firstBranch));
        }

        return count;
    }
}
