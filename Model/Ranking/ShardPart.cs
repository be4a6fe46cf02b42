namespace FitCluster.Model.Ranking;

/// <summary>The ids a request sends one shard and their positions in the request, both in request order.</summary>
/// <param name="Ids">Raw ids.</param>
/// <param name="Positions">Their 0-based positions in the request's list, ascending.</param>
public sealed record ShardPart(string[] Ids, int[] Positions);
