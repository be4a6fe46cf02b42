using System.Collections.Immutable;
using FitCluster.Client.Api;
using FitCluster.Grains.Interfaces;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FitCluster.Client.Gateway;

/// <summary>
/// The live catalog's endpoints: <c>PUT /v1/items</c> (upsert a batch), <c>DELETE /v1/items/{id}</c> and
/// <c>GET /v1/items/{id}</c> (the last write of an item), all behind the admin token.
/// </summary>
/// <remarks>
/// A batch is per item: the good items are stored and rankable when the answer comes, each refused one is named (400),
/// and an item whose partition could not store it is named with <c>not_stored</c> (503: resending the batch is safe, an
/// upsert replaces). Writes are answered once stored and pushed to the shards, within <see cref="GatewayOptions.ItemWriteTimeout"/>.
/// </remarks>
public static class ItemsApi
{
    private const string Prefix = "/v1/items/";

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapItemsApi(this IEndpointRouteBuilder app)
    {
        var items = app.MapGroup("/v1/items");
        items.MapPut("/", UpsertAsync).WithName("UpsertItems").WithSummary("Upsert a batch of items (raw features; rankable once answered)").RequireAdmin();
        items.MapDelete("/{id}", DeleteAsync).WithName("DeleteItem").WithSummary("Delete an item: unknown to ranking from now on").RequireAdmin();
        items.MapGet("/{id}", GetAsync).WithName("GetItem").WithSummary("The last write of an item since export").RequireAdmin();
        return app;
    }

    private static async Task<Results<Ok<ItemWriteResponseBody>, ValidationProblem, ProblemHttpResult>> UpsertAsync(
        ItemsBody? body, IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var (items, doorRejected, bodyProblem) = ItemRequestValidator.Items(body);
        if (bodyProblem is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["items"] = [bodyProblem] }, title: "The item batch is invalid; nothing was applied.");
        }

        if (items.IsEmpty)
        {
            return Answer(new ItemWriteResult(0, [], []), doorRejected);
        }

        return await WriteAsync(grains, options.Value, doorRejected, (writer, token) => writer.UpsertAsync(items, token), cancellationToken);
    }

    private static async Task<Results<Ok<ItemWriteResponseBody>, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        HttpContext context, IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var id = UsersApi.RawSegmentAfter(context, Prefix);
        if (ItemRequestValidator.IdProblem(id) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [problem] }, title: "The item id is invalid; nothing was applied.");
        }

        return await WriteAsync(grains, options.Value, [], (writer, token) => writer.DeleteAsync(id, token), cancellationToken);
    }

    private static async Task<Results<Ok<ItemResponseBody>, ValidationProblem, ProblemHttpResult>> GetAsync(
        HttpContext context, IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var id = UsersApi.RawSegmentAfter(context, Prefix);
        if (ItemRequestValidator.IdProblem(id) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [problem] }, title: "The item id is invalid.");
        }

        using var deadline = new RequestDeadline(options.Value.RequestTimeout, cancellationToken);
        CatalogItem? item;
        try
        {
            item = await grains.GetGrain<IItemCatalogGrain>(0).GetAsync(id, deadline.Token);
        }
        catch (Exception e) when (deadline.Expired(e))
        {
            return deadline.TimedOut();
        }
        catch (Exception e) when (RankingApi.IsClusterUnavailable(e))
        {
            return RankingApi.Unavailable(e);
        }

        if (item is null)
        {
            return TypedResults.Problem($"No write of item '{id}' since export (the artifacts' own items are listed by the model, not here).",
                statusCode: StatusCodes.Status404NotFound, title: "unknown_item", extensions: new Dictionary<string, object?> { ["code"] = "unknown_item" });
        }

        return TypedResults.Ok(new ItemResponseBody(
            item.Id, item.Features.ToDictionary(f => f.Name, f => (IReadOnlyList<string>)[.. f.Values], StringComparer.Ordinal), item.Deleted, item.Sequence));
    }

    // One write through the catalog writer within the item write deadline (never repeated here).
    private static async Task<Results<Ok<ItemWriteResponseBody>, ValidationProblem, ProblemHttpResult>> WriteAsync(
        IGrainFactory grains, GatewayOptions options, List<UserRejectionBody> doorRejected,
        Func<IItemCatalogGrain, CancellationToken, ValueTask<ItemWriteResult>> write, CancellationToken cancellationToken)
    {
        using var deadline = new RequestDeadline(options.ItemWriteTimeout, cancellationToken);
        ItemWriteResult result;
        try
        {
            result = await write(grains.GetGrain<IItemCatalogGrain>(0), deadline.Token);
        }
        catch (Exception e) when (deadline.Expired(e))
        {
            return deadline.TimedOut(); // it may still be stored: resending is safe (an upsert replaces, a delete is idempotent)
        }
        catch (Exception e) when (RankingApi.IsClusterUnavailable(e))
        {
            return RankingApi.Unavailable(e);
        }

        return Answer(result, doorRejected);
    }

    // 200 when nothing was refused; 404 for a delete of an unknown id; 503 when the cluster could not store some item or
    // has no active model; else 400. Every refused item is listed, the door's and the cluster's together, in batch order.
    private static Results<Ok<ItemWriteResponseBody>, ValidationProblem, ProblemHttpResult> Answer(ItemWriteResult result, List<UserRejectionBody> doorRejected)
    {
        var rejected = doorRejected
            .Concat(result.Errors.Select(e => new UserRejectionBody(e.Field, e.Code, e.Message)))
            .OrderBy(r => BatchIndexOf(r.Field)).ThenBy(r => r.Field, StringComparer.Ordinal)
            .ToList();
        var notices = result.Notices.Select(n => new UserRejectionBody(n.Field, n.Code, n.Message)).ToList();
        var body = new ItemWriteResponseBody(result.Applied, rejected, notices);
        if (rejected.Count == 0)
        {
            return TypedResults.Ok(body);
        }

        var status = rejected.Any(r => r.Code is "not_stored" or "no_active_model") ? StatusCodes.Status503ServiceUnavailable
            : rejected is [{ Code: "unknown_item" }] ? StatusCodes.Status404NotFound
            : StatusCodes.Status400BadRequest;
        var code = status switch
        {
            StatusCodes.Status503ServiceUnavailable => rejected.First(r => r.Code is "not_stored" or "no_active_model").Code,
            StatusCodes.Status404NotFound => "unknown_item",
            _ => "items_refused",
        };
        var detail = string.Join(" ", rejected.Take(3).Select(r => $"{r.Field}: {r.Message}")) + (rejected.Count > 3 ? $" (and {rejected.Count - 3} more)" : string.Empty);
        return TypedResults.Problem(detail, statusCode: status, title: result.Applied > 0 ? "Some items were refused; the others were stored." : "Nothing was stored.",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = code,
                ["applied"] = body.Applied,
                ["rejected"] = rejected,
                ["notices"] = notices,
            });
    }

    /// <summary>The batch index in a field <c>items[INDEX]…</c>, or −1.</summary>
    public static int BatchIndexOf(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var open = field.IndexOf('[', StringComparison.Ordinal);
        var close = field.IndexOf(']', StringComparison.Ordinal);
        return open >= 0 && close > open && int.TryParse(field.AsSpan(open + 1, close - open - 1), System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : -1;
    }
}
