using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using FitCluster.Client.Api;
using FitCluster.Grains.Interfaces;

namespace FitCluster.Client.Gateway;

/// <summary>
/// Reads the bodies of the user endpoints into the user grain's input. What the door alone can tell (a body that is not
/// there, an oversize batch, values of the wrong JSON type) is found here; what needs the user's state or the catalog
/// (unknown features, repeated or out-of-order events) is found by the user grain, which refuses the door's rejects too
/// (as null entries), so that one answer lists every problem.
/// </summary>
public static class UserRequestValidator
{
    /// <summary>What is wrong with a user id, or null.</summary>
    public static string? UserIdProblem(string? userId) =>
        string.IsNullOrEmpty(userId) || userId.Length > IUserGrain.MaxIdLength
            ? string.Create(CultureInfo.InvariantCulture, $"A user id must be 1..{IUserGrain.MaxIdLength} characters.")
            : null;

    /// <summary>
    /// The profile to store: every feature by name, null where the value is not a string or a finite number (the reason is
    /// in <c>Rejected</c>, by name); or <c>BodyProblem</c> when there is no profile at all.
    /// </summary>
    public static (ImmutableDictionary<string, string?> Features, Dictionary<string, string> Rejected, string? BodyProblem) Profile(UserProfileBody? body)
    {
        var rejected = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body?.Features is not { Count: > 0 } given)
        {
            return (ImmutableDictionary<string, string?>.Empty, rejected, "A JSON body {\"features\": {\"name\": value, ...}} with at least one feature is required.");
        }

        var features = ImmutableDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            if (RankRequestValidator.FeatureValue(value, out var text) is { } problem)
            {
                rejected[$"features.{name}"] = problem;
            }

            features[name] = text;
        }

        return (features.ToImmutable(), rejected, null);
    }

    /// <summary>
    /// The events to append, in batch order, null where an event is malformed (the reason is in <c>Rejected</c>, by field
    /// <c>events[INDEX]</c>); or <c>BodyProblem</c> when the batch is missing, empty or larger than
    /// <see cref="GatewayOptions.MaxBehaviours"/> (then nothing is applied).
    /// </summary>
    public static (ImmutableArray<UserEvent?> Events, Dictionary<string, string> Rejected, string? BodyProblem) Events(UserEventsBody? body, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rejected = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body?.Events is not { Count: > 0 } given)
        {
            return ([], rejected, "A JSON body {\"events\": [{\"event_id\": \"...\", \"item\": \"...\", \"timestamp\": UNIX_SECONDS}, ...]} with at least one event is required.");
        }

        if (given.Count > options.MaxBehaviours)
        {
            return ([], rejected, string.Create(CultureInfo.InvariantCulture,
                $"{given.Count:N0} events exceed the limit of {options.MaxBehaviours:N0} per batch; nothing was applied."));
        }

        var events = ImmutableArray.CreateBuilder<UserEvent?>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            var (e, problem) = Event(given[i]);
            if (problem is not null)
            {
                rejected[string.Create(CultureInfo.InvariantCulture, $"events[{i}]")] = problem;
            }

            events.Add(e);
        }

        return (events.MoveToImmutable(), rejected, null);
    }

    private static (UserEvent? Event, string? Problem) Event(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return (null, $"An event must be an object {{\"event_id\", \"item\", \"timestamp\"}}, got {Kind(value)}.");
        }

        var problems = new List<string>(3);
        var id = Text(value, "event_id", problems);
        var item = Text(value, "item", problems);
        long timestamp = 0;
        if (!value.TryGetProperty("timestamp", out var time))
        {
            problems.Add("timestamp is required");
        }
        else if (time.ValueKind != JsonValueKind.Number || !WholeSeconds(time, out timestamp) || timestamp < 0)
        {
            problems.Add($"timestamp must be whole seconds since the Unix epoch (an integer ≥ 0), got {(time.ValueKind == JsonValueKind.Number ? time.GetRawText() : Kind(time))}");
        }

        return problems.Count > 0
            ? (null, $"{(id is null ? "The event" : $"Event '{id}'")}: {string.Join("; ", problems)}.")
            : (new UserEvent(id!, item!, timestamp), null);
    }

    // An integer, also when written with an exponent or a zero fraction (1e9, 1700000000.0); never a fraction of a second.
    private static bool WholeSeconds(JsonElement time, out long seconds)
    {
        if (time.TryGetInt64(out seconds))
        {
            return true;
        }

        if (time.TryGetDouble(out var value) && double.IsFinite(value) && Math.Floor(value) == value && Math.Abs(value) < 9e15)
        {
            seconds = (long)value;
            return true;
        }

        return false;
    }

    private static string? Text(JsonElement value, string name, List<string> problems)
    {
        if (!value.TryGetProperty(name, out var property))
        {
            problems.Add($"{name} is required");
            return null;
        }

        string? text = null;
        if (property.ValueKind == JsonValueKind.String)
        {
            RankRequestValidator.FeatureValue(property, out text); // the same Unicode rule as every string of the API
        }

        if (text is not { Length: > 0 and <= IUserGrain.MaxIdLength })
        {
            problems.Add($"{name} must be a string of 1..{IUserGrain.MaxIdLength} characters of valid Unicode, got {(text is null ? Kind(property) : $"{text.Length} characters")}");
            return null;
        }

        return text;
    }

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();
}
