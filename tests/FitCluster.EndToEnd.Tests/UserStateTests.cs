using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// User grains on a real silo (the embedded default: grain state in files): acknowledged events survive <c>kill -9</c>,
/// ranking by user id equals ranking inline, and every bad-input rule of the user endpoints is a 400 that names the part.
/// The JSON here is written and read by hand, apart from the client library.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class UserStateTests
{
    private const int EventsPerBatch = 3;
    private const int BatchesBeforeKill = 15;
    private const int MaxBatches = 5_000; // a bound on the writer, should the kill never come

    [Fact]
    public async Task Events_AcknowledgedBeforeKill9_AllStillThereAfterRestart()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        var root = folder.Combine("models");
        TestArtifact.WriteFit(Path.Combine(root, "fit"), seed: 11);
        await using var silo = await EmbeddedSilo.StartAsync(root, [], cancellationToken);
        const string User = "durable/user";
        await ExpectAsync(await SendAsync(silo.Http, HttpMethod.Put, UserPath(User), """{"features": {"user_id": "u2", "gender": "M"}}""", cancellationToken), HttpStatusCode.OK, cancellationToken);

        // A writer posts batches one after another and records each acknowledged one; the silo is killed mid-stream, when
        // enough are acknowledged, so that a batch is in flight or about to be. The writer stops at its first failure.
        var acknowledged = new List<string[]>();
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            for (var b = 0; b < MaxBatches; b++)
            {
                var ids = Enumerable.Range(0, EventsPerBatch).Select(j => $"b{b}-{j}").ToArray();
                var events = string.Join(", ", ids.Select((id, j) => $$"""{"event_id": "{{id}}", "item": "m{{(b * EventsPerBatch + j) % 40 + 1}}", "timestamp": {{1_000 + b}}}"""));
                try
                {
                    using var response = await SendAsync(silo.Http, HttpMethod.Post, UserPath(User) + "/events", $$"""{"events": [{{events}}]}""", cancellationToken);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        return $"batch {b}: HTTP {(int)response.StatusCode}";
                    }
                }
                catch (HttpRequestException e)
                {
                    return $"batch {b}: {e.Message}";
                }

                lock (acknowledged)
                {
                    acknowledged.Add(ids);
                    if (acknowledged.Count == BatchesBeforeKill)
                    {
                        armed.TrySetResult();
                    }
                }
            }

            return "the writer reached its bound";
        }, cancellationToken);

        // The writer stops at its first failure: if it stops before enough writes were acknowledged, fail now, not never.
        if (await Task.WhenAny(armed.Task, writer).WaitAsync(cancellationToken) != armed.Task)
        {
            Assert.Fail($"the writer stopped before the kill: {await writer}");
        }

        await silo.KillAsync();
        var stopped = await writer;
        await silo.RestartAsync(cancellationToken);

        using var reply = await SendAsync(silo.Http, HttpMethod.Get, UserPath(User), null, cancellationToken);
        var user = await ExpectAsync(reply, HttpStatusCode.OK, cancellationToken);
        var stored = user.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!).ToList();
        var acknowledgedIds = acknowledged.SelectMany(ids => ids).ToList();
        Assert.True(acknowledged.Count >= BatchesBeforeKill, $"writer: {stopped}");
        Assert.Empty(acknowledgedIds.Except(stored));
        Assert.Equal(acknowledgedIds.Count, stored.Intersect(acknowledgedIds).Count());
        // At most the batch in flight at the kill was stored unacknowledged, and then whole (one write per batch).
        var unacknowledged = stored.Except(acknowledgedIds).ToList();
        Assert.True(unacknowledged.Count is 0 or EventsPerBatch, $"stored but not acknowledged: {string.Join(", ", unacknowledged)}");
        Assert.Equal(acknowledgedIds.Concat(unacknowledged), stored); // in order
        Assert.Equal("u2", user.GetProperty("features").GetProperty("user_id").GetString());

        // The restarted silo ranks the user from the stored state, as inline.
        var items = user.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("item").GetString()!).ToList();
        await AssertRankByUserEqualsInlineAsync(silo.Http, User, """{"user_id": "u2", "gender": "M"}""", items, cancellationToken);
    }

    [Fact]
    public async Task UserApi_EveryBadInputRule_400NamingThePart_GoodPartsStored()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        var root = folder.Combine("models");
        TestArtifact.WriteFit(Path.Combine(root, "fit"), seed: 11);
        TestArtifact.WriteTwoTower(Path.Combine(root, "two-tower"), seed: 12);
        await using var silo = await EmbeddedSilo.StartAsync(root, ["--Ranking:MaxBehaviours=8"], cancellationToken);
        var http = silo.Http;
        const string User = "rules";

        // No admin token: 401, nothing stored.
        using (var anonymous = new HttpRequestMessage(HttpMethod.Put, new Uri(UserPath(User), UriKind.Relative)))
        {
            anonymous.Content = new StringContent("""{"features": {"user_id": "u1", "gender": "F"}}""", Encoding.UTF8, "application/json");
            using var refused = await http.SendAsync(anonymous, cancellationToken);
            Assert.Equal("unauthorized", (await ExpectAsync(refused, HttpStatusCode.Unauthorized, cancellationToken)).GetProperty("code").GetString());
        }

        // Unknown and wrong-typed features: all or nothing.
        var profile = await ExpectAsync(await SendAsync(http, HttpMethod.Put, UserPath(User),
            """{"features": {"user_id": "u1", "gender": true, "shoe_size": 9}}""", cancellationToken), HttpStatusCode.BadRequest, cancellationToken);
        Assert.Equal("invalid_profile", profile.GetProperty("code").GetString());
        Assert.Equal(["features.gender:invalid_feature", "features.shoe_size:unknown_feature"], Rejected(profile));
        Assert.Equal("unknown_user", (await ExpectAsync(await SendAsync(http, HttpMethod.Get, UserPath(User), null, cancellationToken), HttpStatusCode.NotFound, cancellationToken))
            .GetProperty("code").GetString());

        await ExpectAsync(await SendAsync(http, HttpMethod.Put, UserPath(User), """{"features": {"user_id": "u1", "gender": "F"}}""", cancellationToken), HttpStatusCode.OK, cancellationToken);

        // A mixed batch: per event. 0, 4 and 6 are good; NaN, a duplicate id, out of order are refused.
        const string Mixed = """
            {"events": [
              {"event_id": "a", "item": "m3", "timestamp": 10},
              {"event_id": "nan", "item": "m4", "timestamp": "NaN"},
              {"event_id": "x", "item": "m5", "timestamp": 11},
              {"event_id": "x", "item": "m6", "timestamp": 12},
              {"event_id": "b", "item": "m7", "timestamp": 20},
              {"event_id": "late", "item": "m8", "timestamp": 5},
              {"event_id": "c", "item": "m9", "timestamp": 20}]}
            """;
        var mixed = await ExpectAsync(await SendAsync(http, HttpMethod.Post, UserPath(User) + "/events", Mixed, cancellationToken), HttpStatusCode.BadRequest, cancellationToken);
        Assert.Equal("events_refused", mixed.GetProperty("code").GetString());
        Assert.Equal((3, 0, 3), (mixed.GetProperty("applied").GetInt32(), mixed.GetProperty("already_applied").GetInt32(), mixed.GetProperty("event_count").GetInt32()));
        Assert.Equal(["events[1]:invalid_event", "events[2]:duplicate_event_id", "events[3]:duplicate_event_id", "events[5]:event_out_of_order"], Rejected(mixed));
        Assert.Equal(["a", "b", "c"], await StoredIdsAsync(http, User, cancellationToken));

        // The same batch again: the good ones are retries (not applied twice); the bad ones are still refused.
        var again = await ExpectAsync(await SendAsync(http, HttpMethod.Post, UserPath(User) + "/events", Mixed, cancellationToken), HttpStatusCode.BadRequest, cancellationToken);
        Assert.Equal((0, 3, 3), (again.GetProperty("applied").GetInt32(), again.GetProperty("already_applied").GetInt32(), again.GetProperty("event_count").GetInt32()));

        // An oversize batch (9 > Ranking:MaxBehaviours = 8) is refused whole.
        var nine = string.Join(", ", Enumerable.Range(0, 9).Select(i => $$"""{"event_id": "o{{i}}", "item": "m1", "timestamp": {{100 + i}}}"""));
        var oversize = await ExpectAsync(await SendAsync(http, HttpMethod.Post, UserPath(User) + "/events", $$"""{"events": [{{nine}}]}""", cancellationToken), HttpStatusCode.BadRequest, cancellationToken);
        Assert.Contains("exceed the limit of 8", oversize.GetProperty("errors").GetProperty("events")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(["a", "b", "c"], await StoredIdsAsync(http, User, cancellationToken));

        // Ranking: a user never stored is a 400; user_id beside inline features is a 400; by user_id equals inline.
        using (var ghost = await RankAsync(http, """{"user_id": "ghost", "candidates": ["m1"], "k": 1}""", cancellationToken))
        {
            Assert.Equal("unknown_user", (await ExpectAsync(ghost, HttpStatusCode.BadRequest, cancellationToken)).GetProperty("code").GetString());
        }

        using (var both = await RankAsync(http, """{"user_id": "rules", "user": {"user_id": "u1", "gender": "F"}, "candidates": ["m1"], "k": 1}""", cancellationToken))
        {
            Assert.True((await ExpectAsync(both, HttpStatusCode.BadRequest, cancellationToken)).GetProperty("errors").TryGetProperty("user_id", out _));
        }

        await AssertRankByUserEqualsInlineAsync(http, User, """{"user_id": "u1", "gender": "F"}""", ["m3", "m7", "m9"], cancellationToken);
    }

    // The same candidates ranked by user id and with the stored features and behaviours inline: the same items and the
    // same scores (the JSON numbers, as text), and the timings name the user tower stage.
    private static async Task AssertRankByUserEqualsInlineAsync(
        HttpClient http, string userId, string featuresJson, IReadOnlyList<string> behaviours, CancellationToken cancellationToken)
    {
        var candidates = string.Join(", ", Enumerable.Range(0, TestArtifact.ItemCount).Select(r => $"\"{TestArtifact.ItemKey(r)}\""));
        var behaviourJson = string.Join(", ", behaviours.Select(b => $"\"{b}\""));
        using var byUser = await RankAsync(http, $$"""{"user_id": {{JsonSerializer.Serialize(userId)}}, "candidates": [{{candidates}}], "k": 15}""", cancellationToken);
        using var inline = await RankAsync(http, $$"""{"user": {{featuresJson}}, "behaviours": [{{behaviourJson}}], "candidates": [{{candidates}}], "k": 15}""", cancellationToken);
        var a = await ExpectAsync(byUser, HttpStatusCode.OK, cancellationToken);
        var b = await ExpectAsync(inline, HttpStatusCode.OK, cancellationToken);

        Assert.Equal(Items(b), Items(a));
        Assert.Equal(15, Items(a).Count);
        Assert.True(a.GetProperty("timings").TryGetProperty("user_tower_ms", out _));

        static List<string> Items(JsonElement reply) =>
            [.. reply.GetProperty("items").EnumerateArray().Select(i => $"{i.GetProperty("item_id").GetString()}={i.GetProperty("score").GetRawText()}")];
    }

    private static async Task<List<string>> StoredIdsAsync(HttpClient http, string userId, CancellationToken cancellationToken)
    {
        var user = await ExpectAsync(await SendAsync(http, HttpMethod.Get, UserPath(userId), null, cancellationToken), HttpStatusCode.OK, cancellationToken);
        return [.. user.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!)];
    }

    private static List<string> Rejected(JsonElement problem) =>
        [.. problem.GetProperty("rejected").EnumerateArray().Select(r => $"{r.GetProperty("field").GetString()}:{r.GetProperty("code").GetString()}")];

    private static string UserPath(string userId) => $"v1/users/{Uri.EscapeDataString(userId)}";

    internal static Task<HttpResponseMessage> RankAsync(HttpClient http, string json, CancellationToken cancellationToken) =>
        http.PostAsync(new Uri("v1/rank", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request, cancellationToken);
    }

    internal static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(response.StatusCode == expected,
                string.Create(CultureInfo.InvariantCulture, $"Expected HTTP {(int)expected} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {text}"));
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}
