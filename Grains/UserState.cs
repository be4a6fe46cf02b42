using FitCluster.Grains.Interfaces;

namespace FitCluster.Grains;

/// <summary>A user grain's persisted state (<see cref="UserGrain"/>): profile, the latest events, and the ids it still remembers.</summary>
[GenerateSerializer, Alias("fit.UserState")]
public sealed class UserState
{
    /// <summary>Profile features by name (raw values), as last set.</summary>
    [Id(0)]
    public Dictionary<string, string> Features { get; set; } = [];

    /// <summary>The latest events, oldest first, in timestamp order; at most the kept window (<see cref="RankingOptions.MaxBehaviours"/>).</summary>
    [Id(1)]
    public List<UserEvent> Events { get; set; } = [];

    /// <summary>Ids of the events most recently dropped from <see cref="Events"/>, oldest first; at most the kept window.</summary>
    [Id(2)]
    public List<string> ForgottenIds { get; set; } = [];

    /// <summary>Incremented by every stored change.</summary>
    [Id(3)]
    public long Revision { get; set; }
}
