namespace FitCluster.Grains.Interfaces;

/// <summary>One shard's part of a request: its candidates as raw ids, which the shard resolves itself, and the user heads.</summary>
/// <param name="Candidates">Raw item ids routed to this shard (by the hash of the id), in request order.</param>
/// <param name="Positions">Each id's position in the request's candidate list, ascending (ties break toward earlier candidates).</param>
/// <param name="Heads">User heads of all N branches, row-major <c>[N, H_u × p]</c>: the same array for every shard of the
/// request (read in place on the coordinator's silo), since only the shard knows which branches its items use.</param>
/// <param name="K">How many of the best to return.</param>
[GenerateSerializer, Immutable, Alias("fit.ShardCandidates")]
public sealed record ShardCandidates(string[] Candidates, int[] Positions, float[] Heads, int K);
