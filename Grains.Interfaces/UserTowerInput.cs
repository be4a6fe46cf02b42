using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>A user resolved to vocabulary indices: the user tower's input.</summary>
/// <param name="Fields">Vocabulary index per user feature, in the model's order (0 = unknown).</param>
/// <param name="Behaviours">Item indices of the known behaviours, oldest first, at most the sequence length.</param>
[GenerateSerializer, Immutable, Alias("fit.UserTowerInput")]
public sealed record UserTowerInput(ImmutableArray<int> Fields, ImmutableArray<int> Behaviours);
