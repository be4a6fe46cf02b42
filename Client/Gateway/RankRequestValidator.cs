using System.Collections.Immutable;
using System.Text.Json;
using FitCluster.Client.Api;
using FitCluster.Grains.Interfaces;
using FitCluster.Model.Ranking;

namespace FitCluster.Client.Gateway;

/// <summary>
/// Checks an HTTP rank request and turns it into the cluster's <see cref="RankRequest"/>; every problem is reported at
/// once, by field, so that a client can fix them all.
/// </summary>
public static class RankRequestValidator
{
    /// <summary>Validates <paramref name="body"/>; returns the request, or the errors by field.</summary>
    public static (RankRequest? Request, Dictionary<string, string[]> Errors) Validate(RankRequestBody? body, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message) => (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(message);

        if (body is null)
        {
            Fail("body", "A JSON body {\"user\": {...}, \"candidates\": [...], \"k\": 10} is required.");
            return (null, Flatten(errors));
        }

        var features = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (body.UserId is { } userId)
        {
            // A stored user (PUT /v1/users/{id}, POST /v1/users/{id}/events): its profile and behaviours, not inline ones.
            if (UserRequestValidator.UserIdProblem(userId) is { } problem)
            {
                Fail("user_id", problem);
            }

            if (body.User is not null || body.Behaviours is not null)
            {
                Fail("user_id", "Give either user_id (a stored user) or user and behaviours, not both.");
            }
        }
        else if (body.User is null || body.User.Count == 0)
        {
            Fail("user", "User features are required (or user_id, a stored user).");
        }
        else
        {
            foreach (var (name, value) in body.User)
            {
                if (FeatureValue(value, out var text) is { } problem)
                {
                    Fail($"user.{name}", problem);
                }
                else
                {
                    features[name] = text!;
                }
            }
        }

        var candidates = body.Candidates;
        var limits = new RankLimits(options.MaxCandidates, options.MaxK, options.MaxBehaviours);
        foreach (var (field, message) in limits.Check(candidates, body.Behaviours, body.K))
        {
            Fail(field, message); // the limits every door shares (RankLimits)
        }

        if (body.ModelVersion is { Length: 0 })
        {
            Fail("model_version", "must be omitted or non-empty.");
        }

        if (errors.Count > 0)
        {
            return (null, Flatten(errors));
        }

        // Marked as checked: a coordinator in this process with the same limits does not hash the ids again.
        var request = new RankRequest(features.ToImmutable(), [.. (body.Behaviours ?? [])!], [.. candidates!], body.K, body.ModelVersion, body.UserId)
        {
            CheckedAgainst = limits,
        };
        return (request, []);
    }

    /// <summary>
    /// A user feature's raw value: a string (as it is) or a finite number (its JSON text); null with the value in
    /// <paramref name="text"/>, or what is wrong with it. The same rule for inline features and stored profiles.
    /// </summary>
    public static string? FeatureValue(JsonElement value, out string? text)
    {
        text = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String when ReadText(value) is { } read:
                text = read;
                return null;
            case JsonValueKind.String:
                return "must be valid Unicode text: raw bytes that are not UTF-8, or a UTF-16 surrogate escape (\\ud800-\\udfff) without its pair.";
            case JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number):
                text = value.GetRawText();
                return null;
            case JsonValueKind.Number:
                return "must be a finite number.";
            default:
                return $"must be a string or a finite number, got {value.ValueKind.ToString().ToLowerInvariant()}.";
        }
    }

    // The JSON reader accepts any bytes inside a string and unescapes only on reading: text that is not UTF-8, or an
    // unpaired surrogate escape, surfaces here (and as 500 if left to throw).
    private static string? ReadText(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static Dictionary<string, string[]> Flatten(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
}
