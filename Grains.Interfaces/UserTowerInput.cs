using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>A user resolved to vocabulary indices: the user tower's input.</summary>
/// <param name="Fields">Vocabulary index per user feature, in the model's order (0 = unknown).</param>
/// <param name="Behaviours">Item indices of the known behaviours, oldest first, at most the sequence length.</param>
/// <param name="FirstBranch">First branch to compute (a coordinator splits the N branches over several cores).</param>
/// <param name="BranchCount">Branches to compute from <paramref name="FirstBranch"/>; 0 = all of them.</param>
/// <param name="BehaviourAttributes">The behaviours' attribute rows e_c, <c>[Behaviours, D]</c>, as their shards answered
/// them; empty: the tower looks them up (and a caller of before this field sends none).</param>
[GenerateSerializer, Immutable, Alias("fit.UserTowerInput")]
public sealed record UserTowerInput(
    ImmutableArray<int> Fields, ImmutableArray<int> Behaviours, int FirstBranch = 0, int BranchCount = 0, ImmutableArray<float> BehaviourAttributes = default);
