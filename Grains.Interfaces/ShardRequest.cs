namespace FitCluster.Grains.Interfaces;

/// <summary>One shard's part of a request: its candidates and the user heads of just the branches they need.</summary>
/// <param name="Rows">Shard-local item rows to score.</param>
/// <param name="Positions">Each row's position in the request's candidate list (ties break toward earlier candidates).</param>
/// <param name="Branches">The query indices present among <paramref name="Rows"/>, ascending; empty when
/// <paramref name="Heads"/> holds every branch (sent whole when most are used: no copy on either side).</param>
/// <param name="Heads">User heads of <paramref name="Branches"/>, row-major <c>[Branches.Length, HeadSize]</c>, or of all N
/// branches in order when <paramref name="Branches"/> is empty.</param>
/// <param name="K">How many of the best to return.</param>
[GenerateSerializer, Immutable, Alias("fit.ShardRequest")]
public sealed record ShardRequest(int[] Rows, int[] Positions, ushort[] Branches, float[] Heads, int K);
