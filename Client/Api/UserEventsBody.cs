using System.Text.Json;

namespace FitCluster.Client.Api;

/// <summary>
/// Body of <c>POST /v1/users/{id}/events</c>: <c>{"events": [{"event_id": "e1", "item": "42", "timestamp": 1700000000}]}</c>,
/// each event shaped as <see cref="UserEventBody"/>. Read loosely, so that one malformed event is refused alone.
/// </summary>
public sealed class UserEventsBody
{
    /// <summary>The events, oldest first.</summary>
    public List<JsonElement>? Events { get; set; }
}

/// <summary>One behaviour event of a user.</summary>
/// <param name="EventId">The client's id of the event (1..256 characters): sending it again is harmless.</param>
/// <param name="Item">The item id the user interacted with.</param>
/// <param name="Timestamp">When, in whole seconds since the Unix epoch (UTC); never older than the user's latest event.</param>
public sealed record UserEventBody(string EventId, string Item, long Timestamp);
