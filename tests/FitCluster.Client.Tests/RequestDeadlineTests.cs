using System.Diagnostics;
using System.Net;
using System.Text;
using FitCluster.Client.Gateway;
using FitCluster.Client.Tests.Infrastructure;
using FitCluster.Grains;
using FitCluster.Grains.Interfaces;
using FitCluster.Silo;
using Microsoft.Extensions.Options;
using ClientMessagingOptions = Orleans.Configuration.ClientMessagingOptions;

namespace FitCluster.Client.Tests;

/// <summary>Every grain call of the API ends at the request's deadline: 504 <c>timeout</c>, never a wait for Orleans' 30 s.</summary>
public sealed class RequestDeadlineTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMilliseconds(400);
    private static readonly Dictionary<string, string?> s_settings = new(StringComparer.Ordinal) { ["Gateway:RequestTimeout"] = "00:00:00.400" };

    [Fact]
    public async Task Rank_ClusterNeverAnswers_504TimeoutWithinDeadline()
    {
        var grains = new FakeGrains();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        grains.Rank = async (_, token) =>
        {
            using var registration = token.Register(() => cancelled.TrySetResult());
            return await FakeGrains.NeverAnswerAsync<RankResponse>(token);
        };
        await using var host = await ApiHost.StartAsync(s_settings, grains: grains);

        var started = Stopwatch.GetTimestamp();
        using var response = await host.Http.PostAsync(new Uri("v1/rank", UriKind.Relative),
            new StringContent("""{"user": {"user_id": "u1"}, "candidates": ["m1"], "k": 1}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.GatewayTimeout);
        Assert.Equal("timeout", problem.GetProperty("code").GetString());
        Assert.True(cancelled.Task.IsCompleted, "the grain call's token was cancelled");
        Assert.True(elapsed >= s_timeout, $"answered after {elapsed.TotalMilliseconds:F0} ms, before the deadline");
        Assert.True(elapsed <= s_timeout + TimeSpan.FromSeconds(1), $"answered after {elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Rank_FirstCallLostOnAStoppedSilo_TheHedgedSecondCallAnswers200()
    {
        var calls = 0;
        var grains = new FakeGrains();
        grains.Rank = (request, token) => Interlocked.Increment(ref calls) == 1
            ? FakeGrains.NeverAnswerAsync<RankResponse>(token)
            : Task.FromResult(new RankResponse("v1", [new ScoredItem(request.Candidates[1], 2f)], 1.0, [], [], [], new StageTimings(0, 0, 0, 0, 0, 1)));
        await using var host = await ApiHost.StartAsync(s_settings, grains: grains);

        using var response = await host.Http.PostAsync(new Uri("v1/rank", UriKind.Relative),
            new StringContent("""{"user": {"user_id": "u1"}, "candidates": ["m1", "m2"], "k": 1}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"m2\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task Models_ClusterNeverAnswers_504TimeoutWithinDeadline()
    {
        var grains = new FakeGrains { GetCatalog = FakeGrains.NeverAnswerAsync<ModelCatalog> };
        await using var host = await ApiHost.StartAsync(s_settings, grains: grains);

        var started = Stopwatch.GetTimestamp();
        using var response = await host.Http.GetAsync(new Uri("v1/models", UriKind.Relative), TestContext.Current.CancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.GatewayTimeout);
        Assert.Equal("timeout", problem.GetProperty("code").GetString());
        Assert.True(elapsed <= s_timeout + TimeSpan.FromSeconds(1), $"answered after {elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Rank_SiloUnavailable_StillA503ClusterUnavailable()
    {
        var grains = new FakeGrains { Rank = (_, _) => throw new SiloUnavailableException("gone") };
        await using var host = await ApiHost.StartAsync(s_settings, grains: grains);

        using var response = await host.Http.PostAsync(new Uri("v1/rank", UriKind.Relative),
            new StringContent("""{"user": {"user_id": "u1"}, "candidates": ["m1"], "k": 1}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        var problem = await AdminAuthenticationTests.ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("cluster_unavailable", problem.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public void Validator_NonPositiveRequestTimeout_Refused(string value)
    {
        var options = new GatewayOptions { RequestTimeout = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) };

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Gateway:RequestTimeout must be positive", StringComparison.Ordinal));
    }

    [Fact]
    public void Gateway_OrleansResponseTimeout_IsRequestTimeoutPlusOneSecond()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:RequestTimeout"] = "00:00:03" });
        builder.AddFitClusterGateway();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Equal(TimeSpan.FromSeconds(4), services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), services.GetRequiredService<IOptions<GatewayOptions>>().Value.RequestTimeout);
    }

    [Fact]
    public void SiloDoor_CopiesRankingRequestTimeout()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ranking:RequestTimeout"] = "00:00:05",
            ["Gateway:RequestTimeout"] = "00:00:01", // a gateway setting does not apply to the silo's door
        });
        builder.Services.AddOptions<RankingOptions>().BindConfiguration(RankingOptions.SectionName);
        builder.AddSiloHttpApi();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Equal(TimeSpan.FromSeconds(5), services.GetRequiredService<IOptions<GatewayOptions>>().Value.RequestTimeout);
    }
}
