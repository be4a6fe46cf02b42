using System.Diagnostics;
using FitCluster.Client.Api;
using FitCluster.Grains.Interfaces;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FitCluster.Client.Gateway;

/// <summary>The gateway's HTTP API: <c>POST /v1/rank</c>, <c>GET /v1/models</c>, <c>POST /v1/models/{version}/activate</c>.</summary>
public static class RankingApi
{
    /// <summary>The coordinator grain key the gateway uses (a stateless worker: any key spreads the same).</summary>
    public const string CoordinatorKey = "rank";

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapRankingApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/rank", RankAsync).WithName("Rank").WithSummary("Rank candidate items for a user with the active (or a named) model version");
        v1.MapGet("/models", ModelsAsync).WithName("Models").WithSummary("The active model version and every version the cluster can serve");
        v1.MapPost("/models/{version}/activate", ActivateAsync).WithName("Activate").WithSummary("Make a model version active (rollout without downtime)")
            .RequireAdmin();
        return app;
    }

    private static async Task<Results<Ok<RankResponseBody>, ValidationProblem, ProblemHttpResult>> RankAsync(
        RankRequestBody? body, IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (request, errors) = RankRequestValidator.Validate(body, options.Value);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The rank request is invalid.");
        }

        RankResponse response;
        using var deadline = new RequestDeadline(options.Value.RequestTimeout, cancellationToken);
        try
        {
            // A read: hedged, so that a request caught on a gateway silo that is stopping still gets its answer in time.
            var coordinator = grains.GetGrain<IRankingGrain>(CoordinatorKey);
            response = await HedgedCall.RunAsync(
                token => coordinator.RankAsync(request, token).AsTask(), IsClusterUnavailable,
                r => r.Error is { Code: "shard_unavailable" }, options.Value.EffectiveHedgeAfter, TimeProvider.System, deadline.Token);
        }
        catch (Exception e) when (deadline.Expired(e))
        {
            return deadline.TimedOut();
        }
        catch (Exception e) when (IsClusterUnavailable(e))
        {
            return Unavailable(e);
        }

        if (response.Error is { } error)
        {
            return ProblemOf(error, StatusCodes.Status400BadRequest);
        }

        var t = response.Timings;
        var timings = new Dictionary<string, double>
        {
            ["resolve_ms"] = t.ResolveMs,
            ["user_tower_ms"] = t.UserTowerMs,
            ["scatter_gather_ms"] = t.ScatterGatherMs,
            ["shard_max_ms"] = t.ShardMaxMs,
            ["merge_ms"] = t.MergeMs,
            ["cluster_ms"] = t.TotalMs,
            ["gateway_ms"] = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
        return TypedResults.Ok(new RankResponseBody(
            response.ModelVersion,
            [.. response.Items.Select(i => new RankedItemBody(i.ItemId, i.Score))],
            response.Coverage,
            response.UnknownCandidates,
            response.UnknownBehaviours,
            response.UnknownFeatures,
            timings));
    }

    private static async Task<Results<Ok<ModelCatalog>, ProblemHttpResult>> ModelsAsync(
        IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        using var deadline = new RequestDeadline(options.Value.RequestTimeout, cancellationToken);
        try
        {
            var catalog = grains.GetGrain<IModelCatalogGrain>("default");
            return TypedResults.Ok(await HedgedCall.RunAsync(
                token => catalog.GetAsync(token).AsTask(), IsClusterUnavailable, _ => false,
                options.Value.EffectiveHedgeAfter, TimeProvider.System, deadline.Token));
        }
        catch (Exception e) when (deadline.Expired(e))
        {
            return deadline.TimedOut();
        }
        catch (Exception e) when (IsClusterUnavailable(e))
        {
            return Unavailable(e);
        }
    }

    // A silo that died (until the cluster declares it dead, ~10–20 s), or no silo at all: retryable, so 503.
    internal static bool IsClusterUnavailable(Exception e) =>
        e is OrleansMessageRejectionException or SiloUnavailableException or TimeoutException
        || (e is OrleansException && e is not ArgumentException);

    internal static ProblemHttpResult Unavailable(Exception e) => TypedResults.Problem(
        $"The cluster could not serve the request right now ({e.GetType().Name}: {e.Message}); retry shortly.",
        statusCode: StatusCodes.Status503ServiceUnavailable, title: "cluster_unavailable",
        extensions: new Dictionary<string, object?> { ["code"] = "cluster_unavailable", ["retry_after_seconds"] = 1 });

    private static async Task<Results<Ok<ModelCatalog>, ProblemHttpResult>> ActivateAsync(string version, IGrainFactory grains, CancellationToken cancellationToken)
    {
        ActivationResult result;
        try
        {
            result = await grains.GetGrain<IModelCatalogGrain>("default").ActivateAsync(version, cancellationToken);
        }
        catch (Exception e) when (IsClusterUnavailable(e))
        {
            return Unavailable(e);
        }

        return result.Error is { } error ? ProblemOf(error, StatusCodes.Status404NotFound) : TypedResults.Ok(result.Catalog!);
    }

    /// <summary>
    /// The HTTP status of a refusal code, the same at every door: bad input (and a request by a user id nothing was stored
    /// for, <c>unknown_user</c>) 400, an unknown version
    /// <paramref name="unknownVersionStatus"/> (400 when a request names it, 404 when it is to be activated), a version that
    /// failed its artifact checks 409, a deadline 504, anything retryable 503.
    /// </summary>
    public static int StatusOf(string code, int unknownVersionStatus = StatusCodes.Status400BadRequest) => code switch
    {
        "invalid_request" or "unknown_user" => StatusCodes.Status400BadRequest,
        "unknown_model_version" => unknownVersionStatus,
        "model_refused" => StatusCodes.Status409Conflict,
        "timeout" => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    private static ProblemHttpResult ProblemOf(RankError error, int unknownVersionStatus) => TypedResults.Problem(
        error.Message, statusCode: StatusOf(error.Code, unknownVersionStatus), title: error.Code,
        extensions: new Dictionary<string, object?> { ["code"] = error.Code });
}
