using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>A ranking request in raw ids.</summary>
/// <param name="UserFeatures">Raw value of every user feature of the model, by name (empty with <paramref name="UserId"/>).</param>
/// <param name="Behaviours">Item ids of the user's behaviours, oldest first.</param>
/// <param name="Candidates">Distinct item ids to rank.</param>
/// <param name="K">How many of the best to return.</param>
/// <param name="ModelVersion">The model version to use; null for the active one.</param>
/// <param name="UserId">A stored user (<see cref="IUserGrain"/>) whose profile and behaviours to use instead of
/// <paramref name="UserFeatures"/> and <paramref name="Behaviours"/>, which are then empty; null for those inline.</param>
[GenerateSerializer, Immutable, Alias("fit.RankRequest")]
public sealed record RankRequest(
    ImmutableDictionary<string, string> UserFeatures,
    ImmutableArray<string> Behaviours,
    ImmutableArray<string> Candidates,
    int K,
    string? ModelVersion = null,
    string? UserId = null)
{
    /// <summary>
    /// The request limits (a <c>RankLimits</c>) that a front door in this process checked this very request against, or
    /// null. The coordinator skips checking again only when they equal its own. Not part of the wire format (no
    /// <c>[Id]</c>): a request that crossed a process boundary arrives without it and is checked again.
    /// </summary>
    [field: NonSerialized]
    public object? CheckedAgainst { get; init; }
}
