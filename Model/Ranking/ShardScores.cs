namespace FitCluster.Model.Ranking;

/// <summary>One shard's answer: its best k (request positions and scores, best first) and the positions it does not hold.</summary>
/// <param name="Positions">Request positions of the shard's top-k, best first (equal scores: earlier position first).</param>
/// <param name="Scores">Their scores (logits).</param>
/// <param name="UnknownPositions">Request positions of ids the shard does not hold, ascending.</param>
/// <param name="Scored">Candidates the shard scored.</param>
public sealed record ShardScores(int[] Positions, float[] Scores, int[] UnknownPositions, int Scored);
