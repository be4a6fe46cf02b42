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
        v1.MapPost("/models/{version}/activate", ActivateAsync).WithName("Activate").WithSummary("Make a model version active (rollout without downtime)");
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

        var response = await grains.GetGrain<IRankingGrain>(CoordinatorKey).RankAsync(request, cancellationToken);
        if (response.Error is { } error)
        {
            var status = error.Code switch
            {
                "invalid_request" or "unknown_model_version" => StatusCodes.Status400BadRequest,
                "timeout" => StatusCodes.Status504GatewayTimeout,
                _ => StatusCodes.Status503ServiceUnavailable,
            };
            return TypedResults.Problem(error.Message, statusCode: status, title: error.Code, extensions: new Dictionary<string, object?> { ["code"] = error.Code });
        }

        var t = response.Timings;
        var timings = new Dictionary<string, double>
        {
            ["resolve_ms"] = t.ResolveMs,
            ["user_tower_ms"] = t.UserTowerMs,
            ["scatter_gather_ms"] = t.ScatterGatherMs,
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

    private static async Task<Ok<ModelCatalog>> ModelsAsync(IGrainFactory grains, CancellationToken cancellationToken) =>
        TypedResults.Ok(await grains.GetGrain<IModelCatalogGrain>("default").GetAsync(cancellationToken));

    private static async Task<Results<Ok<ModelCatalog>, ProblemHttpResult>> ActivateAsync(string version, IGrainFactory grains, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await grains.GetGrain<IModelCatalogGrain>("default").ActivateAsync(version, cancellationToken));
        }
        catch (ArgumentException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "cannot_activate");
        }
    }
}
