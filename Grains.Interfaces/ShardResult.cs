namespace FitCluster.Grains.Interfaces;

/// <summary>A shard's best k: request positions and scores, best first (equal scores: earlier position first).</summary>
/// <param name="Positions">Positions in the request's candidate list.</param>
/// <param name="Scores">Their scores (logits).</param>
/// <param name="Scored">Candidates this shard scored.</param>
/// <param name="ElapsedMs">Time spent in the shard.</param>
/// <param name="UnknownPositions">Positions of the candidates this shard does not hold (unknown to the model), ascending.</param>
[GenerateSerializer, Immutable, Alias("fit.ShardResult")]
public sealed record ShardResult(int[] Positions, float[] Scores, int Scored, double ElapsedMs, int[] UnknownPositions);
