using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>What a user grain holds.</summary>
/// <param name="Exists">Whether anything was ever stored for the user.</param>
/// <param name="Features">Profile features by name (raw values).</param>
/// <param name="Events">The kept events, oldest first (at most the silo's <c>Ranking:MaxBehaviours</c>).</param>
/// <param name="Revision">Incremented by every stored change.</param>
[GenerateSerializer, Immutable, Alias("fit.UserSnapshot")]
public sealed record UserSnapshot(bool Exists, ImmutableDictionary<string, string> Features, ImmutableArray<UserEvent> Events, long Revision);
