namespace FitCluster.Client.Api;

/// <summary>
/// The answer to <c>PUT /v1/users/{id}</c> and <c>POST /v1/users/{id}/events</c>: the body of a 200, and the extension
/// members of the 400 problem when part of the write was refused.
/// </summary>
/// <param name="UserId">The user.</param>
/// <param name="Applied">Events (or, for a profile, 1) stored by this request.</param>
/// <param name="AlreadyApplied">Events skipped because their event id was already stored (a retry).</param>
/// <param name="Rejected">What was refused, by field (<c>events[2]</c>, <c>features.age</c>); empty on 200.</param>
/// <param name="EventCount">Events the user holds now.</param>
public sealed record UserWriteResponseBody(string UserId, int Applied, int AlreadyApplied, IReadOnlyList<UserRejectionBody> Rejected, int EventCount);

/// <summary>One refused part of a user write.</summary>
/// <param name="Field"><c>events[INDEX]</c> (index in the batch as sent), <c>features.NAME</c>, or <c>events</c> / <c>features</c>.</param>
/// <param name="Code"><c>invalid_event</c>, <c>duplicate_event_id</c>, <c>event_out_of_order</c>, <c>unknown_feature</c>, <c>invalid_feature</c>.</param>
/// <param name="Message">What was wrong.</param>
public sealed record UserRejectionBody(string Field, string Code, string Message);

/// <summary>The answer to <c>GET /v1/users/{id}</c>: what the user grain holds.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Features">Profile features (raw values).</param>
/// <param name="Events">The kept events, oldest first.</param>
/// <param name="Revision">Incremented by every stored change.</param>
public sealed record UserResponseBody(string UserId, IReadOnlyDictionary<string, string> Features, IReadOnlyList<UserEventBody> Events, long Revision);
