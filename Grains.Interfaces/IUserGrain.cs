using System.Collections.Immutable;
using Orleans.CodeGeneration;
using Orleans.Concurrency;

namespace FitCluster.Grains.Interfaces;

/// <summary>
/// One user's live state: profile features and the latest behaviours (events), kept in grain storage, and the user heads
/// of the model versions asked for, cached until that state or the version changes.
/// </summary>
/// <remarks>
/// <para>Key: the user id (1..<see cref="MaxIdLength"/> characters), as clients send it. Single activation; the state is
/// persisted in the silo's grain storage (files with the embedded default, Redis or Azure Storage), and a write is
/// answered only once it is stored.</para>
/// <para>Bad input comes back in the results (never as a fault); nothing of a refused part is applied.</para>
/// </remarks>
[Alias("fit.IUserGrain")]
[Version(1)]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Longest user id, event id or event item id accepted, in UTF-16 code units.</summary>
    const int MaxIdLength = 256;

    /// <summary>
    /// Replaces the profile features, all or nothing: every feature must be a user feature of some servable model version;
    /// any refused feature leaves the profile unchanged. A null value (one the caller could not read) is refused
    /// (<c>invalid_feature</c>), so that a door reports it beside the other problems of the same profile.
    /// </summary>
    [Alias("SetProfileAsync")]
    ValueTask<UserWriteResult> SetProfileAsync(ImmutableDictionary<string, string?> features, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends behaviour events, each on its own: duplicates of events already stored are acknowledged and skipped
    /// (idempotent by event id), refused events are reported by index, and every accepted event is stored by one write
    /// before the call returns. A batch larger than the silo's <c>Ranking:MaxBehaviours</c> or empty is refused whole. A
    /// null event (one the caller could not read) is refused (<c>invalid_event</c>) and keeps the others' indices.
    /// </summary>
    [Alias("AppendEventsAsync")]
    ValueTask<UserWriteResult> AppendEventsAsync(ImmutableArray<UserEvent?> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// The user heads of <paramref name="modelVersion"/> for this user's stored profile and behaviours: computed by the
    /// user tower once, then served from the cache until the state or the version changes.
    /// </summary>
    [Alias("GetHeadsAsync")]
    ValueTask<StoredUserHeads> GetHeadsAsync(string modelVersion, CancellationToken cancellationToken = default);

    /// <summary>The stored profile and events (nothing stored: <see cref="UserSnapshot.Exists"/> false).</summary>
    [Alias("GetAsync")]
    [ReadOnly]
    ValueTask<UserSnapshot> GetAsync(CancellationToken cancellationToken = default);
}
