namespace FitCluster.Model.Ranking;

/// <summary>A user's raw features resolved to vocabulary indices: what the user tower takes.</summary>
/// <param name="Fields">Vocabulary index per user feature, in manifest order (0 = unknown value).</param>
/// <param name="Behaviours">Item indices (≥ 1) of the known behaviours, oldest first, at most the sequence length.</param>
/// <param name="UnknownBehaviours">Behaviour keys the model does not know.</param>
/// <param name="UnknownFeatures">Feature names whose value the model never saw.</param>
/// <param name="BehaviourAttributes">The behaviours' attribute rows e_c, <c>[Behaviours, D]</c>, as their shards answered
/// them; null: the user tower looks them up.</param>
public sealed record ResolvedUser(
    int[] Fields, int[] Behaviours, IReadOnlyList<string> UnknownBehaviours, IReadOnlyList<string> UnknownFeatures, float[]? BehaviourAttributes = null);
