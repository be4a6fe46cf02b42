using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FitCluster.Client.Gateway;
using FitCluster.Client.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace FitCluster.Client.Tests;

/// <summary>The admin bearer token on the HTTP API that the gateway and every silo host (a real Kestrel, fake grains).</summary>
public sealed class AdminAuthenticationTests : IDisposable
{
    private const string Other = "another-admin-token-abcdefghijkl";
    private readonly string _directory = Directory.CreateTempSubdirectory("fit-admin-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer test-admin-token-0123456789abcdX")] // same length, last character differs
    [InlineData("Bearer test-admin-token-0123456789abcde-and-more")] // a valid token as prefix
    [InlineData("Bearer TEST-ADMIN-TOKEN-0123456789ABCDE")]
    public async Task Activate_WithoutValidToken_401ChallengeAndChangesNothing(string? authorization)
    {
        await using var host = await ApiHost.StartAsync(Settings((AdminOptions.EnvironmentVariable, ApiHost.Token)));

        using var response = await ActivateAsync(host, "v2", authorization);

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("unauthorized", problem.GetProperty("code").GetString());
        Assert.Contains("Authorization: Bearer <token>", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal(0, host.Grains.Activations);
        Assert.Equal("v1", host.Grains.Catalog.ActiveVersion);
    }

    public static TheoryData<string, string, string> Sources => new()
    {
        // where the tokens come from, the setting, the token sent
        { "environment, one token", ApiHost.Token, ApiHost.Token },
        { "environment, rotation: the second", $"{Other}, {ApiHost.Token}", ApiHost.Token },
        { "environment, rotation: the first", $"{Other},{ApiHost.Token}", Other },
        { "Admin:Tokens", "Admin:Tokens", ApiHost.Token },
        { "Admin:TokenFile", "Admin:TokenFile", ApiHost.Token },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Activate_ValidToken_200Activates(string source, string setting, string sent)
    {
        var settings = setting switch
        {
            "Admin:Tokens" => Settings(("Admin:Tokens:0", Other), ("Admin:Tokens:1", ApiHost.Token)),
            "Admin:TokenFile" => Settings(("Admin:TokenFile", WriteTokenFile($"# admin tokens\n\n  {Other}  \n{ApiHost.Token} # rotated in 2026\n"))),
            _ => Settings((AdminOptions.EnvironmentVariable, setting)),
        };
        await using var host = await ApiHost.StartAsync(settings);

        using var response = await ActivateAsync(host, "v2", $"Bearer {sent}");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{source}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        Assert.Equal(1, host.Grains.Activations);
        Assert.Equal("v2", host.Grains.Catalog.ActiveVersion);
    }

    [Fact]
    public async Task Activate_NoTokenConfigured_403AdminDisabledSayingHowToEnable()
    {
        await using var host = await ApiHost.StartAsync();

        using var response = await ActivateAsync(host, "v2", $"Bearer {ApiHost.Token}");

        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("admin_disabled", problem.GetProperty("code").GetString());
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("FITCLUSTER_ADMIN_TOKEN", detail, StringComparison.Ordinal);
        Assert.Contains("Admin:Tokens", detail, StringComparison.Ordinal);
        Assert.Contains("Admin:TokenFile", detail, StringComparison.Ordinal);
        Assert.Equal(0, host.Grains.Activations);
    }

    [Theory]
    [InlineData("GET", "v1/models")]
    [InlineData("GET", "health")]
    [InlineData("GET", "openapi/v1.json")]
    [InlineData("POST", "v1/rank")]
    public async Task ReadEndpoints_StayOpen(string method, string path)
    {
        await using var host = await ApiHost.StartAsync(Settings((AdminOptions.EnvironmentVariable, ApiHost.Token)));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("""{"user": {"user_id": "u1"}, "candidates": ["m1"], "k": 1}""", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await host.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_DeclaresBearerSchemeAndRequiresItOnActivateOnly()
    {
        await using var host = await ApiHost.StartAsync(Settings((AdminOptions.EnvironmentVariable, ApiHost.Token)));

        using var document = JsonDocument.Parse(await host.Http.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken));

        var root = document.RootElement;
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.False(root.TryGetProperty("security", out _), "no document-wide requirement: reads stay open");
        var paths = root.GetProperty("paths");
        var activate = paths.GetProperty("/v1/models/{version}/activate").GetProperty("post");
        var requirement = Assert.Single(activate.GetProperty("security").EnumerateArray());
        Assert.Equal(["bearer"], requirement.EnumerateObject().Select(p => p.Name));
        Assert.False(paths.GetProperty("/v1/rank").GetProperty("post").TryGetProperty("security", out _));
        Assert.False(paths.GetProperty("/v1/models").GetProperty("get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task Start_BadTokens_RefusedListingEveryProblemWithoutTheTokens()
    {
        var empty = WriteTokenFile("# no token yet\n\n");
        var missing = Path.Combine(_directory, "absent.txt");

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiHost.StartAsync(Settings(
            (AdminOptions.EnvironmentVariable, $"{ApiHost.Token},short-env"),
            ("Admin:Tokens:0", "tiny"),
            ("Admin:TokenFile", empty))));
        var e2 = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiHost.StartAsync(Settings(("Admin:TokenFile", missing))));

        Assert.Equal(3, e.Failures.Count());
        Assert.Contains(e.Failures, f => f.Contains("FITCLUSTER_ADMIN_TOKEN (token 2)", StringComparison.Ordinal) && f.Contains("at least 16 characters", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Admin:Tokens:0", StringComparison.Ordinal) && f.Contains("has 4", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Admin:TokenFile", StringComparison.Ordinal) && f.Contains("holds no token", StringComparison.Ordinal));
        Assert.DoesNotContain("short-env", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tiny", e.Message, StringComparison.Ordinal);
        var failure = Assert.Single(e2.Failures);
        Assert.Contains($"cannot read '{missing}'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedAuthentication_LoggedAsThrottledWarning()
    {
        var time = new ManualTimeProvider();
        await using var host = await ApiHost.StartAsync(Settings((AdminOptions.EnvironmentVariable, ApiHost.Token)), time);

        for (var i = 0; i < 20; i++)
        {
            using var response = await ActivateAsync(host, "v2", "Bearer not-the-admin-token-at-all");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var first = Refusals(host);
        time.Advance(LogThrottle.DefaultInterval);
        using (var late = await ActivateAsync(host, "v2", "Bearer not-the-admin-token-at-all"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        }

        var entry = Assert.Single(first);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Null(entry.Exception);
        Assert.DoesNotContain("not-the-admin-token-at-all", entry.Message, StringComparison.Ordinal);
        var refusals = Refusals(host);
        Assert.Equal(2, refusals.Count);
        Assert.Contains("19 more like it", refusals[1].Message, StringComparison.Ordinal);
        // Nothing else from the handler: the base class's per-request lines are filtered out.
        Assert.All(host.Logs.Entries.Where(e => e.Category == typeof(AdminBearerHandler).FullName), e => Assert.Equal(4100, e.EventId));
    }

    [Fact]
    public async Task HttpClient_ActivateWithToken_Succeeds_WithoutToken_ThrowsTheServersProblem()
    {
        await using var host = await ApiHost.StartAsync(Settings((AdminOptions.EnvironmentVariable, ApiHost.Token)));
        var anonymous = new Api.FitClusterHttpClient(host.Http);
        var admin = new Api.FitClusterHttpClient(host.Http) { AdminToken = ApiHost.Token };

        var refused = await Assert.ThrowsAsync<Api.FitClusterApiException>(() => anonymous.ActivateAsync("v2", TestContext.Current.CancellationToken));
        var byArgument = await anonymous.ActivateAsync("v3", ApiHost.Token, TestContext.Current.CancellationToken);
        var bySetting = await admin.ActivateAsync("v4", TestContext.Current.CancellationToken);

        Assert.Equal(401, refused.StatusCode);
        Assert.Contains("unauthorized", refused.Problem, StringComparison.Ordinal);
        Assert.Equal("v3", byArgument.ActiveVersion);
        Assert.Equal("v4", bySetting.ActiveVersion);
        Assert.Null(host.Http.DefaultRequestHeaders.Authorization); // the shared HttpClient is left as it was
    }

    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private string WriteTokenFile(string text)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(path, text);
        return path;
    }

    private static List<CapturedLogs.Entry> Refusals(ApiHost host) => [.. host.Logs.Entries.Where(e => e.EventId == 4100)];

    private static async Task<HttpResponseMessage> ActivateAsync(ApiHost host, string version, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/models/{version}/activate");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await host.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
