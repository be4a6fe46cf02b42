namespace FitCluster.Grains.Interfaces;

/// <summary>All branches' user heads: row-major <c>[BranchCount, HeadSize]</c>.</summary>
/// <param name="BranchCount">N (1 for Two-Tower).</param>
/// <param name="HeadSize">H_u × p.</param>
/// <param name="Values">The heads; never written after creation.</param>
[GenerateSerializer, Immutable, Alias("fit.UserHeads")]
public sealed record UserHeads(int BranchCount, int HeadSize, float[] Values);
