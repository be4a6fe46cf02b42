namespace FitCluster.Grains.Interfaces;

/// <summary>User heads of a range of branches: row-major <c>[BranchCount, HeadSize]</c>.</summary>
/// <param name="BranchCount">Branches held (N for the whole tower; 1 for Two-Tower).</param>
/// <param name="HeadSize">H_u × p.</param>
/// <param name="Values">The heads; never written after creation.</param>
/// <param name="FirstBranch">The branch of the first row.</param>
[GenerateSerializer, Immutable, Alias("fit.UserHeads")]
public sealed record UserHeads(int BranchCount, int HeadSize, float[] Values, int FirstBranch = 0);
