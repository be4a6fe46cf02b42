using System.Net;
using System.Text;
using FitCluster.Client.Gateway;
using FitCluster.Client.Tests.Infrastructure;

namespace FitCluster.Client.Tests;

/// <summary>Malformed bodies are the client's 400, logged as one throttled warning per cause; real failures stay 500 errors.</summary>
public sealed class MalformedRequestTests
{
    private const string Good = """{"user": {"user_id": "u1", "gender": "F"}, "candidates": ["m1"], "k": 1}""";

    [Fact]
    public async Task MalformedJson_400_LoggedOncePerIntervalAsWarningWithoutStackTrace()
    {
        var time = new ManualTimeProvider();
        await using var host = await ApiHost.StartAsync(time: time);

        for (var i = 0; i < 30; i++)
        {
            using var response = await PostAsync(host, """{"user": {"user_id": "u1", "age": NaN}, "candidates": ["m1"], "k": 1}""");
            await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        }

        using (var other = await PostAsync(host, """{"user": {"user_id": "u1"}, "candidates": ["m1"], "k": 1""")) // truncated: the same cause (the JSON reader)
        {
            Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        }

        using (var wrongType = await PostAsync(host, "user=u1", "text/plain")) // refused by routing, before any body is read: no line
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        }

        var before = Malformed(host);
        time.Advance(LogThrottle.DefaultInterval);
        using (var later = await PostAsync(host, "not json"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, later.StatusCode);
        }

        var after = Malformed(host);
        Assert.True(before.Count == 1, host.Logs.Describe());
        Assert.All(before, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.All(before, e => Assert.Null(e.Exception));
        Assert.All(before, e => Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal));
        Assert.Equal(2, after.Count);
        Assert.Contains("30 more like it", after[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task RealFailure_500_StillLoggedAsError()
    {
        var grains = new FakeGrains { Rank = (_, _) => throw new InvalidOperationException("a bug") };
        await using var host = await ApiHost.StartAsync(grains: grains);

        using var response = await PostAsync(host, Good);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException { Message: "a bug" });
    }

    public static TheoryData<byte[], string> BadText => new()
    {
        { Bytes("{\"user\": {\"user_id\": \"u1\", \"gender\": \"F", [0xFF, 0xFE], "\"}, \"candidates\": [\"m1\"], \"k\": 1}"), "user.gender" },
        { Bytes("{\"user\": {\"user_id\": \"u1\", \"gender\": \"\\ud800\"}, \"candidates\": [\"m1\"], \"k\": 1}", [], ""), "user.gender" },
        { Bytes("{\"user\": {\"user_id\": \"\\udc00x\", \"gender\": \"F\"}, \"candidates\": [\"m1\"], \"k\": 1}", [], ""), "user.user_id" },
    };

    [Theory]
    [MemberData(nameof(BadText))]
    public async Task FeatureValueThatIsNotText_400NamingTheField(byte[] body, string field)
    {
        await using var host = await ApiHost.StartAsync();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await host.Http.PostAsync(new Uri("v1/rank", UriKind.Relative), content, TestContext.Current.CancellationToken);

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        var messages = problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains("UTF-8", StringComparison.Ordinal) && m.Contains("surrogate", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    public static TheoryData<byte[], string> BadTextInLists => new()
    {
        { Bytes("{\"user\": {\"user_id\": \"u1\"}, \"candidates\": [\"m1\", \"m", [0xFF, 0xFE], "\"], \"k\": 1}"), "$.candidates[1]" },
        { Bytes("{\"user\": {\"user_id\": \"u1\"}, \"candidates\": [\"m1\", \"\\ud800\"], \"k\": 1}", [], ""), "$.candidates[1]" },
        { Bytes("{\"user\": {\"user_id\": \"u1\"}, \"behaviours\": [\"\\ud800\"], \"candidates\": [\"m1\"], \"k\": 1}", [], ""), "$.behaviours[0]" },
        { Bytes("{\"user\": {\"user_id\": \"u1\"}, \"candidates\": [\"m1\"], \"k\": 1, \"model_version\": \"v", [0xC3], "\"}"), "$.model_version" },
    };

    [Theory]
    [MemberData(nameof(BadTextInLists))]
    public async Task IdThatIsNotText_400NamingThePathAndTheProblem(byte[] body, string path)
    {
        await using var host = await ApiHost.StartAsync();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await host.Http.PostAsync(new Uri("v1/rank", UriKind.Relative), content, TestContext.Current.CancellationToken);

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains(path, detail, StringComparison.Ordinal);
        Assert.Contains("UTF", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    private static byte[] Bytes(string before, byte[] raw, string after) => [.. Encoding.UTF8.GetBytes(before), .. raw, .. Encoding.UTF8.GetBytes(after)];

    private static List<CapturedLogs.Entry> Malformed(ApiHost host) => [.. host.Logs.Entries.Where(e => e.EventId == 4000)];

    private static Task<HttpResponseMessage> PostAsync(ApiHost host, string body, string mediaType = "application/json") =>
        host.Http.PostAsync(new Uri("v1/rank", UriKind.Relative), new StringContent(body, Encoding.UTF8, mediaType), TestContext.Current.CancellationToken);
}
