using System.Collections.Immutable;
using FitCluster.Grains.Interfaces;

namespace FitCluster.Grains;

/// <summary>
/// The rules of a user's event log, apart from storage (<see cref="UserGrain"/> applies them): events are appended in
/// timestamp order, each event id at most once, and only the latest <c>window</c> events are kept.
/// </summary>
/// <remarks>
/// <para>Per event, in batch order: a malformed event (empty or over-long id or item, negative timestamp) is refused
/// (<c>invalid_event</c>); an id already stored, or dropped from the window no more than <c>window</c> events ago, is a
/// retry — acknowledged, not applied again; an id that appears twice in the batch is refused everywhere it appears
/// (<c>duplicate_event_id</c>: which one is meant is not knowable); an event older than the user's latest one (stored, or
/// accepted earlier in the batch) is refused (<c>event_out_of_order</c>: the log only grows forward; equal timestamps
/// keep their arrival order). The rest are accepted. A refused event does not affect the others.</para>
/// <para>Remembering ids: the ids of the latest <c>2 × window</c> accepted events. A retry of an older event is older than
/// the latest event, so it is refused as out of order rather than applied twice — unless more than <c>window</c> events
/// since share its exact timestamp.</para>
/// </remarks>
public static class UserEventLog
{
    /// <summary>The verdict on a batch: the events to append, how many were retries, and the refusals by batch index.</summary>
    /// <param name="Accepted">Events to append, in order.</param>
    /// <param name="AlreadyApplied">Events whose id is already remembered (retries).</param>
    /// <param name="Errors">Refused events (<c>events[INDEX]</c>) or the whole batch (<c>events</c>).</param>
    public sealed record Verdict(ImmutableArray<UserEvent> Accepted, int AlreadyApplied, ImmutableArray<UserInputError> Errors);

    /// <summary>Judges <paramref name="batch"/> against the user's <paramref name="state"/>; changes nothing.</summary>
    /// <param name="state">The user's stored state.</param>
    /// <param name="batch">The events as sent.</param>
    /// <param name="window">Events kept per user, and the largest batch accepted.</param>
    public static Verdict Judge(UserState state, ImmutableArray<UserEvent?> batch, int window)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        if (batch.IsDefaultOrEmpty)
        {
            return Refused(new UserInputError("events", "empty_batch", "At least one event is required."));
        }

        if (batch.Length > window)
        {
            return Refused(new UserInputError("events", "batch_too_large",
                $"{batch.Length:N0} events exceed the limit of {window:N0} per batch; nothing was applied."));
        }

        var remembered = new HashSet<string>(state.ForgottenIds, StringComparer.Ordinal);
        foreach (var stored in state.Events)
        {
            remembered.Add(stored.EventId);
        }

        var counts = new Dictionary<string, int>(batch.Length, StringComparer.Ordinal);
        foreach (var e in batch)
        {
            if (e?.EventId is { } id)
            {
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
        }

        var accepted = ImmutableArray.CreateBuilder<UserEvent>();
        var errors = ImmutableArray.CreateBuilder<UserInputError>();
        var alreadyApplied = 0;
        long? latest = state.Events.Count > 0 ? state.Events[^1].Timestamp : null;
        for (var i = 0; i < batch.Length; i++)
        {
            var e = batch[i];
            var field = $"events[{i}]";
            if (Malformed(e) is { } problem)
            {
                errors.Add(new UserInputError(field, "invalid_event", problem));
                continue;
            }

            if (remembered.Contains(e!.EventId))
            {
                alreadyApplied++;
            }
            else if (counts[e.EventId] > 1)
            {
                errors.Add(new UserInputError(field, "duplicate_event_id",
                    $"Event id '{e.EventId}' appears {counts[e.EventId]} times in the batch; none of them was applied."));
            }
            else if (e.Timestamp < latest)
            {
                errors.Add(new UserInputError(field, "event_out_of_order",
                    $"Event '{e.EventId}' (timestamp {e.Timestamp}) is older than the user's latest event (timestamp {latest}); events must be sent in time order."));
            }
            else
            {
                accepted.Add(e);
                latest = e.Timestamp;
            }
        }

        return new Verdict(accepted.ToImmutable(), alreadyApplied, errors.ToImmutable());
    }

    /// <summary>
    /// Appends <paramref name="accepted"/> (from <see cref="Judge"/>) to <paramref name="state"/>, keeping the latest
    /// <paramref name="window"/> events and the ids of the <paramref name="window"/> dropped most recently.
    /// </summary>
    public static void Append(UserState state, IReadOnlyList<UserEvent> accepted, int window)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        state.Events.AddRange(accepted);
        Trim(state, window);
    }

    /// <summary>Cuts <paramref name="state"/> to <paramref name="window"/> events and remembered dropped ids (after the window shrank, too).</summary>
    public static void Trim(UserState state, int window)
    {
        ArgumentNullException.ThrowIfNull(state);
        var drop = state.Events.Count - window;
        if (drop > 0)
        {
            for (var i = 0; i < drop; i++)
            {
                state.ForgottenIds.Add(state.Events[i].EventId);
            }

            state.Events.RemoveRange(0, drop);
        }

        if (state.ForgottenIds.Count > window)
        {
            state.ForgottenIds.RemoveRange(0, state.ForgottenIds.Count - window);
        }
    }

    private static string? Malformed(UserEvent? e)
    {
        if (e is null)
        {
            return "The event is empty.";
        }

        if (string.IsNullOrEmpty(e.EventId) || e.EventId.Length > IUserGrain.MaxIdLength)
        {
            return $"event_id must be 1..{IUserGrain.MaxIdLength} characters.";
        }

        if (string.IsNullOrEmpty(e.Item) || e.Item.Length > IUserGrain.MaxIdLength)
        {
            return $"Event '{e.EventId}': item must be 1..{IUserGrain.MaxIdLength} characters.";
        }

        return e.Timestamp < 0 ? $"Event '{e.EventId}': timestamp must be ≥ 0 (seconds since the Unix epoch), got {e.Timestamp}." : null;
    }

    private static Verdict Refused(UserInputError error) => new([], 0, [error]);
}
