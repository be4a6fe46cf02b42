using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>A stored user's heads for one model version, or why there are none.</summary>
/// <param name="Heads">All N branches' user heads, row-major <c>[N, HeadSize]</c>; shared with the user grain's cache, so
/// never written by anyone; empty when refused.</param>
/// <param name="UnknownBehaviours">Stored behaviour item ids the version does not know (left out of the sequence).</param>
/// <param name="UnknownFeatures">Profile features whose value the version never saw.</param>
/// <param name="Cached">Whether the heads came from the cache (the user tower did not run).</param>
/// <param name="Error"><c>unknown_user</c> (nothing stored for the id), <c>invalid_request</c> (the profile lacks a
/// feature of the version), <c>unknown_model_version</c> or <c>model_refused</c>; null on success.</param>
[GenerateSerializer, Immutable, Alias("fit.StoredUserHeads")]
public sealed record StoredUserHeads(
    float[] Heads, ImmutableArray<string> UnknownBehaviours, ImmutableArray<string> UnknownFeatures, bool Cached, RankError? Error = null);
