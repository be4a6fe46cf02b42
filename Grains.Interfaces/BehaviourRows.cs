namespace FitCluster.Grains.Interfaces;

/// <summary>A shard's answer for behaviours: each id's item index (−1 unknown) and, when it holds them, their attribute rows.</summary>
/// <param name="ItemIndices">Item index per id, in the order asked; −1 for an id the shard does not hold.</param>
/// <param name="Attributes">e_c per id, <c>[ids, Dim]</c> (zeros for an unknown id); empty when the shard holds no attribute rows.</param>
/// <param name="Dim">D, floats per row (0 with no rows).</param>
[GenerateSerializer, Immutable, Alias("fit.BehaviourRows")]
public sealed record BehaviourRows(int[] ItemIndices, float[] Attributes, int Dim);
