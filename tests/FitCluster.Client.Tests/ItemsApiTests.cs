using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FitCluster.Client.Api;
using FitCluster.Client.Gateway;
using FitCluster.Client.Tests.Infrastructure;
using FitCluster.Grains.Interfaces;

namespace FitCluster.Client.Tests;

/// <summary>The item endpoints at the door (a real Kestrel, fake grains): admin token, per-item 400s, whole-batch refusals, 503/404/504.</summary>
public sealed class ItemsApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string?> Endpoints => new()
    {
        { "PUT", "v1/items", """{"items": [{"id": "m1", "features": {"genres": ["a"]}}]}""" },
        { "DELETE", "v1/items/m1", null },
        { "GET", "v1/items/m1", null },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task ItemEndpoints_WithoutOrWithAWrongToken_401AndReachNoGrain(string method, string path, string? json)
    {
        await using var host = await StartAsync();

        using var none = await SendAsync(host, method, path, json, token: null);
        using var wrong = await SendAsync(host, method, path, json, token: "not-the-admin-token-0000000000");

        Assert.Equal("unauthorized", (await AdminAuthenticationTests.ProblemAsync(none, HttpStatusCode.Unauthorized)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(host.Grains.ItemWrites);
    }

    [Fact]
    public async Task OpenApi_ItemOperationsRequireTheBearerToken()
    {
        await using var host = await StartAsync();

        using var document = JsonDocument.Parse(await host.Http.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative), Ct));

        var paths = document.RootElement.GetProperty("paths");
        foreach (var (path, method) in new[] { ("/v1/items", "put"), ("/v1/items/{id}", "delete"), ("/v1/items/{id}", "get") })
        {
            var requirement = Assert.Single(paths.GetProperty(path).GetProperty(method).GetProperty("security").EnumerateArray());
            Assert.Equal(["bearer"], requirement.EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task Upsert_GoodBatch_200_AndTheWriterGetsEveryItemAsSent()
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "PUT", "v1/items",
            """{"items": [{"id": "m9", "features": {"genres": ["Drama", "War"], "year": 1995}}, {"id": "é/2", "features": {"year": 2.5e3}}, {"id": "bare"}]}""");

        var body = await ReadAsync<ItemWriteResponseBody>(response, HttpStatusCode.OK);
        Assert.Equal(3, body.Applied);
        Assert.Empty(body.Rejected);
        var sent = Assert.IsType<ImmutableArray<ItemWrite>>(Assert.Single(host.Grains.ItemWrites));
        Assert.Equal([0, 1, 2], sent.Select(i => i.Index));
        Assert.Equal(["m9", "é/2", "bare"], sent.Select(i => i.Id));
        Assert.Equal([("genres", "Drama|War"), ("year", "1995")], sent[0].Features.Select(f => (f.Name, string.Join('|', f.Values))));
        Assert.Equal([("year", "2.5e3")], sent[1].Features.Select(f => (f.Name, string.Join('|', f.Values)))); // a number's JSON text, as in rank requests
        Assert.Empty(sent[2].Features);
    }

    [Fact]
    public async Task Upsert_MalformedItems_400NamesEachByIndex_TheOthersReachTheWriter()
    {
        await using var host = await StartAsync();
        var longId = new string('é', 513); // 1,026 UTF-8 bytes
        var json = $$$"""
            {"items": [
              {"id": "ok-0", "features": {"genres": "a"}},
              "not an object",
              {"features": {"genres": "a"}},
              {"id": 42},
              {"id": "{{{longId}}}"},
              {"id": "bool", "features": {"genres": true}},
              {"id": "nested", "features": {"genres": ["a", {"x": 1}]}},
              {"id": "empty", "features": {"genres": []}},
              {"id": "notobject", "features": ["genres"]},
              {"id": "twice"},
              {"id": "ok-10", "features": {"genres": ["a", 7]}},
              {"id": "twice"},
              {"id": "lone\ud800", "features": {}},
              {"id": "nulls", "features": {"genres": [null]}},
              {"id": "huge", "features": {"genres": ["{{{new string('x', 1_025)}}}"]}}
            ]}
            """;

        using var response = await SendAsync(host, "PUT", "v1/items", json);

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("items_refused", problem.GetProperty("code").GetString());
        Assert.Equal(2, problem.GetProperty("applied").GetInt32());
        Assert.Equal(
            [("items[1]", "invalid_item"), ("items[2].id", "invalid_item"), ("items[3].id", "invalid_item"), ("items[4].id", "invalid_item"),
             ("items[5].features.genres", "invalid_feature"), ("items[6].features.genres", "invalid_feature"), ("items[7].features.genres", "invalid_feature"),
             ("items[8].features", "invalid_feature"), ("items[9]", "duplicate_id"), ("items[11]", "duplicate_id"), ("items[12].id", "invalid_item"),
             ("items[13].features.genres", "invalid_feature"), ("items[14].features.genres", "invalid_feature")],
            problem.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("field").GetString(), r.GetProperty("code").GetString())));
        var sent = Assert.IsType<ImmutableArray<ItemWrite>>(Assert.Single(host.Grains.ItemWrites));
        Assert.Equal([(0, "ok-0"), (10, "ok-10")], sent.Select(i => (i.Index, i.Id)));
        Assert.Equal(["a", "7"], sent[1].Features.Single().Values);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"items": []}""")]
    [InlineData("""{"items": {"id": "m1"}}""")]
    [InlineData("""{"items": [{"id": "m1"}]""")]
    public async Task Upsert_NoBatch_400AndNothingReachesTheWriter(string json)
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "PUT", "v1/items", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Grains.ItemWrites);
    }

    [Fact]
    public async Task Upsert_OversizeBatch_400Whole()
    {
        await using var host = await StartAsync();
        var items = string.Join(",", Enumerable.Range(0, IItemCatalogGrain.MaxBatch + 1).Select(i => $$"""{"id": "i{{i}}"}"""));

        using var response = await SendAsync(host, "PUT", "v1/items", $$"""{"items": [{{items}}]}""");

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("5,001 items exceed the limit of 5,000", problem.GetProperty("errors").GetProperty("items")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Grains.ItemWrites);
    }

    [Fact]
    public async Task Upsert_WriterRefusals_400WithTheDoorsAndTheWritersInBatchOrder_NotStored503()
    {
        await using var host = await StartAsync();
        host.Grains.ItemWrite = (_, _) => Task.FromResult(new ItemWriteResult(1,
            [new UserInputError("items[2].features.colour", "unknown_feature", "no colour")],
            [new UserInputError("items[0].features.genres", "unseen_value", "'zzz' unseen")]));

        using var refused = await SendAsync(host, "PUT", "v1/items", """{"items": [{"id": "a", "features": {"genres": "zzz"}}, 5, {"id": "c", "features": {"colour": "red"}}]}""");

        var problem = await AdminAuthenticationTests.ProblemAsync(refused, HttpStatusCode.BadRequest);
        Assert.Equal(["items[1]", "items[2].features.colour"], problem.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("field").GetString()));
        Assert.Equal("unseen_value", Assert.Single(problem.GetProperty("notices").EnumerateArray()).GetProperty("code").GetString());

        host.Grains.ItemWrite = (_, _) => Task.FromResult(new ItemWriteResult(0, [new UserInputError("items[0]", "not_stored", "storage down")], []));
        using var notStored = await SendAsync(host, "PUT", "v1/items", """{"items": [{"id": "a"}]}""");
        Assert.Equal("not_stored", (await AdminAuthenticationTests.ProblemAsync(notStored, HttpStatusCode.ServiceUnavailable)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Delete_TheIdAsSent_200_UnknownIs404()
    {
        await using var host = await StartAsync();
        const string Id = "a/b%41 é";

        using var deleted = await SendAsync(host, "DELETE", $"v1/items/{Uri.EscapeDataString(Id)}", null);
        Assert.Equal(1, (await ReadAsync<ItemWriteResponseBody>(deleted, HttpStatusCode.OK)).Applied);
        Assert.Equal(Id, Assert.Single(host.Grains.ItemWrites));

        host.Grains.ItemWrite = (_, _) => Task.FromResult(new ItemWriteResult(0, [new UserInputError("id", "unknown_item", "never seen")], []));
        using var unknown = await SendAsync(host, "DELETE", "v1/items/ghost", null);
        Assert.Equal("unknown_item", (await AdminAuthenticationTests.ProblemAsync(unknown, HttpStatusCode.NotFound)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Get_TheLastWrite_OrUnknown404()
    {
        await using var host = await StartAsync();

        using var written = await SendAsync(host, "GET", "v1/items/written", null);
        using var unknown = await SendAsync(host, "GET", "v1/items/other", null);

        var body = await ReadAsync<ItemResponseBody>(written, HttpStatusCode.OK);
        Assert.Equal(("written", false, 7L), (body.Id, body.Deleted, body.Sequence));
        Assert.Equal(["a", "b"], body.Features["genres"]);
        Assert.Equal("unknown_item", (await AdminAuthenticationTests.ProblemAsync(unknown, HttpStatusCode.NotFound)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Upsert_WriterNeverAnswers_504AtTheItemWriteDeadline()
    {
        await using var host = await StartAsync(new() { ["Gateway:ItemWriteTimeout"] = "00:00:00.300" });
        host.Grains.ItemWrite = (_, token) => FakeGrains.NeverAnswerAsync<ItemWriteResult>(token);

        using var response = await SendAsync(host, "PUT", "v1/items", """{"items": [{"id": "a"}]}""");

        Assert.Equal("timeout", (await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.GatewayTimeout)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task TypedClient_UpsertDeleteGet_SendTheWireShapes()
    {
        await using var host = await StartAsync();
        var client = new FitClusterHttpClient(host.Http) { AdminToken = ApiHost.Token };

        var upserted = await client.UpsertItemsAsync(
            [new ItemBody("m1", new Dictionary<string, object> { ["genres"] = new[] { "Drama", "War" }, ["year"] = 1995 })], Ct);
        var deleted = await client.DeleteItemAsync("a/b", Ct);
        var written = await client.GetItemAsync("written", Ct);
        var unknown = await Assert.ThrowsAsync<FitClusterApiException>(() => client.GetItemAsync("other", Ct));

        Assert.Equal((1, 1), (upserted.Applied, deleted.Applied));
        var sent = host.Grains.ItemWrites.ToArray();
        var batch = Assert.IsType<ImmutableArray<ItemWrite>>(sent[0]);
        Assert.Equal([("genres", "Drama|War"), ("year", "1995")], batch.Single().Features.Select(f => (f.Name, string.Join('|', f.Values))));
        Assert.Equal("a/b", sent[1]);
        Assert.Equal(["a", "b"], written.Features["genres"]);
        Assert.Equal(404, unknown.StatusCode);
    }

    private static Task<ApiHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { [AdminOptions.EnvironmentVariable] = ApiHost.Token };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return ApiHost.StartAsync(all);
    }

    private static Task<HttpResponseMessage> SendAsync(ApiHost host, string method, string path, string? json, string? token = ApiHost.Token) =>
        ApiCalls.SendAsync(host, method, path, json, token);

    private static Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected) => ApiCalls.ReadAsync<T>(response, expected);
}
