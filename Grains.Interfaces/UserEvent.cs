namespace FitCluster.Grains.Interfaces;

/// <summary>One behaviour of a user: the user interacted with <paramref name="Item"/> at <paramref name="Timestamp"/>.</summary>
/// <param name="EventId">The client's id of the event; a second event with the same id is a duplicate, never applied twice.</param>
/// <param name="Item">The item id, as in rank requests' behaviours and candidates.</param>
/// <param name="Timestamp">When it happened, in whole seconds since the Unix epoch (UTC), ≥ 0.</param>
[GenerateSerializer, Immutable, Alias("fit.UserEvent")]
public sealed record UserEvent(string EventId, string Item, long Timestamp);
