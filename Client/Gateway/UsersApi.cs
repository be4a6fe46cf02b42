using FitCluster.Client.Api;
using FitCluster.Grains.Interfaces;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FitCluster.Client.Gateway;

/// <summary>
/// The user endpoints: <c>PUT /v1/users/{id}</c> (profile), <c>POST /v1/users/{id}/events</c> (behaviours) and
/// <c>GET /v1/users/{id}</c>, all behind the admin token (writes change state; the read returns personal data).
/// </summary>
/// <remarks>
/// A profile is all or nothing; an events batch is per event (the good ones are stored, each refused one is named), and
/// an empty or oversize batch is refused whole. Writes are answered once stored, and never repeated by the door (a
/// client may resend: event ids make it harmless).
/// </remarks>
public static class UsersApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/v1/users");
        users.MapPut("/{id}", SetProfileAsync).WithName("SetUserProfile").WithSummary("Set a user's profile features (replaces them)").RequireAdmin();
        users.MapPost("/{id}/events", AppendEventsAsync).WithName("AppendUserEvents").WithSummary("Append a user's behaviour events (idempotent by event id)").RequireAdmin();
        users.MapGet("/{id}", GetAsync).WithName("GetUser").WithSummary("A user's stored profile and events").RequireAdmin();
        return app;
    }

    private static async Task<Results<Ok<UserWriteResponseBody>, ValidationProblem, ProblemHttpResult>> SetProfileAsync(
        HttpContext context, UserProfileBody? body, IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var id = UserIdOf(context);
        var (features, rejected, bodyProblem) = UserRequestValidator.Profile(body);
        if (Invalid(id, "features", bodyProblem) is { } invalid)
        {
            return invalid;
        }

        return await WriteAsync(grains, id, rejected, options.Value, "invalid_profile", "The profile was refused; nothing changed.",
            (user, token) => user.SetProfileAsync(features, token), cancellationToken);
    }

    private static async Task<Results<Ok<UserWriteResponseBody>, ValidationProblem, ProblemHttpResult>> AppendEventsAsync(
        HttpContext context, UserEventsBody? body, IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var id = UserIdOf(context);
        var (events, rejected, bodyProblem) = UserRequestValidator.Events(body, options.Value);
        if (Invalid(id, "events", bodyProblem) is { } invalid)
        {
            return invalid;
        }

        return await WriteAsync(grains, id, rejected, options.Value, "events_refused", "Some events were refused; the others were stored.",
            (user, token) => user.AppendEventsAsync(events, token), cancellationToken);
    }

    private static async Task<Results<Ok<UserResponseBody>, ValidationProblem, ProblemHttpResult>> GetAsync(
        HttpContext context, IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var id = UserIdOf(context);
        if (Invalid(id, "id", null) is { } invalid)
        {
            return invalid;
        }

        using var deadline = new RequestDeadline(options.Value.RequestTimeout, cancellationToken);
        UserSnapshot user;
        try
        {
            user = await grains.GetGrain<IUserGrain>(id).GetAsync(deadline.Token);
        }
        catch (Exception e) when (deadline.Expired(e))
        {
            return deadline.TimedOut();
        }
        catch (Exception e) when (RankingApi.IsClusterUnavailable(e))
        {
            return RankingApi.Unavailable(e);
        }

        if (!user.Exists)
        {
            return TypedResults.Problem($"Nothing is stored for user '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "unknown_user",
                extensions: new Dictionary<string, object?> { ["code"] = "unknown_user" });
        }

        return TypedResults.Ok(new UserResponseBody(
            id, user.Features, [.. user.Events.Select(e => new UserEventBody(e.EventId, e.Item, e.Timestamp))], user.Revision));
    }

    /// <summary>
    /// The user id of a <c>/v1/users/{id}</c> request, unescaped exactly once from the request line (<see cref="RawSegmentAfter"/>).
    /// </summary>
    public static string UserIdOf(HttpContext context) => RawSegmentAfter(context, "/v1/users/");

    /// <summary>
    /// The path segment after <paramref name="prefix"/>, unescaped exactly once from the request line: the route value keeps
    /// <c>%2F</c> escaped (and decodes <c>%25</c>), so an id holding <c>/</c> or <c>%</c> would otherwise differ from the same
    /// id in a request body (a rank request's <c>user_id</c>, a batch's item id).
    /// </summary>
    public static string RawSegmentAfter(HttpContext context, string prefix)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var route = context.Request.RouteValues["id"] as string ?? string.Empty;
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is null || raw.Contains("://", StringComparison.Ordinal))
        {
            return route;
        }

        var path = raw.AsSpan(0, raw.IndexOfAny(['?', '#']) is var end and >= 0 ? end : raw.Length);
        var start = path.IndexOf(prefix, StringComparison.Ordinal);
        if (start < 0)
        {
            return route;
        }

        var segment = path[(start + prefix.Length)..];
        var slash = segment.IndexOf('/');
        return Uri.UnescapeDataString(slash >= 0 ? segment[..slash] : segment);
    }

    // A bad user id or a body without anything to write: 400 by field, nothing asked of the cluster.
    private static ValidationProblem? Invalid(string id, string bodyField, string? bodyProblem)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (UserRequestValidator.UserIdProblem(id) is { } idProblem)
        {
            errors["id"] = [idProblem];
        }

        if (bodyProblem is not null)
        {
            errors[bodyField] = [bodyProblem];
        }

        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors, title: "The user request is invalid; nothing was applied.");
    }

    // One write to the user grain within the request deadline (never repeated here), answered 200 when everything was
    // applied, else 400 with every refused part: the door's reasons for the parts it could not read, the grain's for the rest.
    private static async Task<Results<Ok<UserWriteResponseBody>, ValidationProblem, ProblemHttpResult>> WriteAsync(
        IGrainFactory grains, string id, Dictionary<string, string> doorRejected, GatewayOptions options, string refusedCode, string refusedTitle,
        Func<IUserGrain, CancellationToken, ValueTask<UserWriteResult>> write, CancellationToken cancellationToken)
    {
        using var deadline = new RequestDeadline(options.RequestTimeout, cancellationToken);
        UserWriteResult result;
        try
        {
            result = await write(grains.GetGrain<IUserGrain>(id), deadline.Token);
        }
        catch (Exception e) when (deadline.Expired(e))
        {
            return deadline.TimedOut(); // it may still be stored: resending is safe (event ids; a profile is replaced)
        }
        catch (Exception e) when (RankingApi.IsClusterUnavailable(e))
        {
            return RankingApi.Unavailable(e);
        }

        var rejected = result.Errors
            .Select(e => new UserRejectionBody(e.Field, e.Code, doorRejected.GetValueOrDefault(e.Field, e.Message)))
            .ToList();
        var body = new UserWriteResponseBody(id, result.Applied, result.AlreadyApplied, rejected, result.EventCount);
        if (rejected.Count == 0)
        {
            return TypedResults.Ok(body);
        }

        var detail = string.Join(" ", rejected.Take(3).Select(r => $"{r.Field}: {r.Message}")) + (rejected.Count > 3 ? $" (and {rejected.Count - 3} more)" : string.Empty);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: refusedTitle, extensions: new Dictionary<string, object?>
        {
            ["code"] = refusedCode,
            ["user_id"] = id,
            ["applied"] = body.Applied,
            ["already_applied"] = body.AlreadyApplied,
            ["rejected"] = rejected,
            ["event_count"] = body.EventCount,
        });
    }
}
