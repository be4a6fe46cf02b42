namespace FitCluster.Model.Ranking;

/// <summary>A request's gathered answer in request positions.</summary>
/// <param name="Top">The overall top-k: position and score, best first.</param>
/// <param name="UnknownPositions">Positions of the ids no shard holds, ascending (request order).</param>
/// <param name="Scored">Candidates scored over all shards.</param>
public sealed record MergedRanking((int Position, float Score)[] Top, int[] UnknownPositions, int Scored);
