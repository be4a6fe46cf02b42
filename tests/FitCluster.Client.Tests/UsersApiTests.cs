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

/// <summary>The user endpoints at the door (a real Kestrel, fake grains): admin token, 400s, and what reaches the user grain.</summary>
public sealed class UsersApiTests
{
    public static TheoryData<string, string, string?> Endpoints => new()
    {
        { "PUT", "v1/users/u1", """{"features": {"user_id": "u1"}}""" },
        { "POST", "v1/users/u1/events", """{"events": [{"event_id": "e1", "item": "m1", "timestamp": 1}]}""" },
        { "GET", "v1/users/u1", null },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task UserEndpoints_WithoutAdminToken_401AndReachNoGrain(string method, string path, string? json)
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, method, path, json, token: null);
        using var wrong = await SendAsync(host, method, path, json, token: "not-the-admin-token-0000000000");

        Assert.Equal("unauthorized", (await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.Unauthorized)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(host.Grains.UserWrites);
    }

    [Fact]
    public async Task OpenApi_UserOperationsRequireTheBearerToken()
    {
        await using var host = await StartAsync();

        using var document = JsonDocument.Parse(await host.Http.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken));

        var paths = document.RootElement.GetProperty("paths");
        foreach (var (path, method) in new[] { ("/v1/users/{id}", "put"), ("/v1/users/{id}", "get"), ("/v1/users/{id}/events", "post") })
        {
            var requirement = Assert.Single(paths.GetProperty(path).GetProperty(method).GetProperty("security").EnumerateArray());
            Assert.Equal(["bearer"], requirement.EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task AppendEvents_AllApplied_200WithCountsForTheIdAsSent()
    {
        await using var host = await StartAsync();
        const string Id = "u/1%41 é"; // '/' and '%' escaped once, as in a rank request's user_id

        using var response = await SendAsync(host, "POST", $"v1/users/{Uri.EscapeDataString(Id)}/events",
            """{"events": [{"event_id": "e1", "item": "m1", "timestamp": 10}, {"event_id": "e2", "item": "m2", "timestamp": 11}]}""");

        var body = await ReadAsync<UserWriteResponseBody>(response, HttpStatusCode.OK);
        Assert.Equal((Id, 2, 0, 2), (body.UserId, body.Applied, body.AlreadyApplied, body.EventCount));
        Assert.Empty(body.Rejected);
        var (userId, sent) = Assert.Single(host.Grains.UserWrites);
        Assert.Equal(Id, userId);
        Assert.Equal([new UserEvent("e1", "m1", 10), new UserEvent("e2", "m2", 11)], (ImmutableArray<UserEvent?>)sent);
    }

    [Fact]
    public async Task AppendEvents_OneMalformed_400NamesItWithTheDoorsReasonAndTheOthersReachTheGrain()
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "POST", "v1/users/u1/events",
            """{"events": [{"event_id": "e1", "item": "m1", "timestamp": 10}, {"event_id": "e2", "item": "m2", "timestamp": "NaN"}, {"event_id": "e3", "item": "m3", "timestamp": 12}]}""");

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("events_refused", problem.GetProperty("code").GetString());
        Assert.Equal(2, problem.GetProperty("applied").GetInt32());
        var rejected = Assert.Single(problem.GetProperty("rejected").EnumerateArray());
        Assert.Equal("events[1]", rejected.GetProperty("field").GetString());
        Assert.Equal("invalid_event", rejected.GetProperty("code").GetString());
        Assert.Contains("Event 'e2': timestamp must be whole seconds", rejected.GetProperty("message").GetString(), StringComparison.Ordinal);
        var sent = (ImmutableArray<UserEvent?>)Assert.Single(host.Grains.UserWrites).Sent;
        Assert.Equal([new UserEvent("e1", "m1", 10), null, new UserEvent("e3", "m3", 12)], sent);
    }

    [Fact]
    public async Task AppendEvents_GrainRefusesSome_400CarriesItsReasonsAndCounts()
    {
        await using var host = await StartAsync();
        host.Grains.UserWrite = (_, _) => new UserWriteResult(1, 1,
            [new UserInputError("events[2]", "event_out_of_order", "Event 'e3' is older than the user's latest event.")], 7);

        using var response = await SendAsync(host, "POST", "v1/users/u1/events",
            """{"events": [{"event_id": "e1", "item": "m1", "timestamp": 10}, {"event_id": "e2", "item": "m2", "timestamp": 11}, {"event_id": "e3", "item": "m3", "timestamp": 1}]}""");

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal((1, 1, 7), (problem.GetProperty("applied").GetInt32(), problem.GetProperty("already_applied").GetInt32(), problem.GetProperty("event_count").GetInt32()));
        var rejected = Assert.Single(problem.GetProperty("rejected").EnumerateArray());
        Assert.Equal(("events[2]", "event_out_of_order"), (rejected.GetProperty("field").GetString(), rejected.GetProperty("code").GetString()));
        Assert.Contains("events[2]: Event 'e3' is older", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"events": [{"event_id": "a", "item": "m1", "timestamp": 1}, {"event_id": "b", "item": "m1", "timestamp": 2}, {"event_id": "c", "item": "m1", "timestamp": 3}, {"event_id": "d", "item": "m1", "timestamp": 4}, {"event_id": "e", "item": "m1", "timestamp": 5}]}""", "events", "exceed the limit of 4")]
    [InlineData("""{"events": []}""", "events", "at least one event")]
    [InlineData("""{"features": {"user_id": "u1"}}""", "events", "at least one event")]
    public async Task AppendEvents_EmptyOrOversizeBatch_400NothingReachesTheGrain(string json, string field, string reason)
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "POST", "v1/users/u1/events", json);

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(reason, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Grains.UserWrites);
    }

    [Fact]
    public async Task SetProfile_WrongTypedValue_400AllOrNothingWithTheDoorsReason()
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "PUT", "v1/users/u1", """{"features": {"user_id": "u1", "gender": false}}""");

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_profile", problem.GetProperty("code").GetString());
        Assert.Equal(0, problem.GetProperty("applied").GetInt32());
        var rejected = Assert.Single(problem.GetProperty("rejected").EnumerateArray());
        Assert.Equal("features.gender", rejected.GetProperty("field").GetString());
        Assert.Equal("must be a string or a finite number, got false.", rejected.GetProperty("message").GetString());
    }

    [Fact]
    public async Task SetProfile_Good_200AndTheGrainGetsTheRawValues()
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "PUT", "v1/users/u1", """{"features": {"user_id": "u1", "age": 25.5}}""");

        var body = await ReadAsync<UserWriteResponseBody>(response, HttpStatusCode.OK);
        Assert.Equal(1, body.Applied);
        var sent = (ImmutableDictionary<string, string?>)Assert.Single(host.Grains.UserWrites).Sent;
        Assert.Equal(["age=25.5", "user_id=u1"], sent.Select(f => $"{f.Key}={f.Value}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("PUT", """{"features": {"user_id": "u1"}}""")]
    [InlineData("POST", """{"events": [{"event_id": "e1", "item": "m1", "timestamp": 1}]}""")]
    public async Task UserEndpoints_OverlongUserId_400(string method, string json)
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, method, $"v1/users/{new string('u', 257)}{(method == "POST" ? "/events" : string.Empty)}", json);

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("1..256 characters", problem.GetProperty("errors").GetProperty("id")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Grains.UserWrites);
    }

    [Fact]
    public async Task GetUser_NothingStored_404UnknownUser()
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "GET", "v1/users/nobody", null);

        Assert.Equal("unknown_user", (await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.NotFound)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Rank_UnknownUser_400UnknownUser()
    {
        await using var host = await StartAsync();
        host.Grains.Rank = (request, _) => Task.FromResult(new RankResponse(
            "v1", [], 0, [], [], [], default, new RankError("unknown_user", $"No user '{request.UserId}' is stored.")));

        using var response = await host.Http.PostAsync(new Uri("v1/rank", UriKind.Relative),
            new StringContent("""{"user_id": "ghost", "candidates": ["m1"], "k": 1}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("unknown_user", problem.GetProperty("code").GetString());
        Assert.Contains("'ghost'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypedClient_WritesWithItsAdminToken()
    {
        await using var host = await StartAsync();
        var client = new FitClusterHttpClient(host.Http) { AdminToken = ApiHost.Token };
        var cancellationToken = TestContext.Current.CancellationToken;

        var profile = await client.SetUserProfileAsync("u1", new UserProfileBody { Features = new() { ["user_id"] = JsonSerializer.SerializeToElement("u1") } }, cancellationToken);
        var events = await client.AppendUserEventsAsync("u1", [new UserEventBody("e1", "m4", 5)], cancellationToken);
        var refused = await Assert.ThrowsAsync<FitClusterApiException>(() => client.GetUserAsync("nobody", cancellationToken));

        Assert.Equal(1, profile.Applied);
        Assert.Equal(1, events.Applied);
        Assert.Equal(404, refused.StatusCode);
        Assert.Equal([new UserEvent("e1", "m4", 5)], (ImmutableArray<UserEvent?>)host.Grains.UserWrites.Last().Sent);
    }

    private static Task<ApiHost> StartAsync() => ApiHost.StartAsync(new Dictionary<string, string?>
    {
        [AdminOptions.EnvironmentVariable] = ApiHost.Token,
        ["Gateway:MaxBehaviours"] = "4",
    });

    private static Task<HttpResponseMessage> SendAsync(ApiHost host, string method, string path, string? json, string? token = ApiHost.Token) =>
        ApiCalls.SendAsync(host, method, path, json, token);

    private static Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected) => ApiCalls.ReadAsync<T>(response, expected);
}
