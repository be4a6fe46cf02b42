using System.Net;
using System.Text;
using FitCluster.EndToEnd.Tests.Wire;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// Text a JSON parser accepts but that is not text: raw bytes that are not UTF-8 inside a string, and a lone UTF-16
/// surrogate escape. At both doors (the gateway and a silo's own API) each is a 400 problem naming the field, never a 500.
/// </summary>
[Collection(ClusterGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class MalformedTextTests(ClusterFixture fixture)
{
    private static readonly byte[] s_invalidUtf8 = [0xFF, 0xFE];

    public static TheoryData<string, string, string> Cases => new()
    {
        // door, body (with «bad» standing for the malformed text), the field the answer must name
        { "gateway", """{"user": {"user_id": "u1", "gender": "F«bad»"}, "candidates": ["m1"], "k": 1}""", "user.gender" },
        { "gateway", """{"user": {"user_id": "u1", "gender": "F"}, "candidates": ["m1", "m«bad»"], "k": 1}""", "candidates" },
        { "gateway", """{"user": {"user_id": "u1", "gender": "F"}, "behaviours": ["«bad»"], "candidates": ["m1"], "k": 1}""", "behaviours" },
        { "gateway", """{"user": {"user_id": "u1", "gender": "F"}, "candidates": ["m1"], "k": 1, "model_version": "v«bad»"}""", "model_version" },
        { "silo", """{"user": {"user_id": "u1", "gender": "F«bad»"}, "candidates": ["m1"], "k": 1}""", "user.gender" },
        { "silo", """{"user": {"user_id": "u1", "gender": "F"}, "candidates": ["m1", "m«bad»"], "k": 1}""", "candidates" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Rank_InvalidUtf8InString_400NamingField(string door, string template, string field)
    {
        var parts = template.Split("«bad»");
        byte[] body = [.. Encoding.UTF8.GetBytes(parts[0]), .. s_invalidUtf8, .. Encoding.UTF8.GetBytes(parts[1])];

        await AssertBadTextAsync(door, http => http.RankBytesAsync(body, TestContext.Current.CancellationToken), field);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Rank_LoneSurrogateEscape_400NamingField(string door, string template, string field)
    {
        var body = template.Replace("«bad»", "\\ud800", StringComparison.Ordinal);

        await AssertBadTextAsync(door, http => http.RankRawAsync(body, TestContext.Current.CancellationToken), field);
    }

    private async Task AssertBadTextAsync(string door, Func<HttpClient, Task<HttpResponseMessage>> send, string field)
    {
        var cluster = fixture.Cluster;
        using var silo = cluster.SiloHttp(1);
        using var response = await send(door == "silo" ? silo : cluster.Http);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{door}: expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonSerializer.Deserialize<ProblemReply>(text, WireJson.Options)!;
        // A validation problem by field, or (for text the JSON deserializer itself refuses) the JSON path of the field.
        var named = problem.Errors is { } errors
            ? errors.TryGetValue(field, out var messages) && messages.Any(m => m.Contains("UTF", StringComparison.Ordinal))
            : problem.Detail is { } detail && detail.Contains($"$.{field}", StringComparison.Ordinal) && detail.Contains("UTF", StringComparison.Ordinal);
        Assert.True(named, $"{door}: the 400 should name '{field}' and the text problem: {text}");
        // The cluster is still up: a good request right after is served.
        using var good = await cluster.Http.RankRawAsync("""{"user": {"user_id": "u1", "gender": "F"}, "candidates": ["m1"], "k": 1}""", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }
}
