using System.Net;
using FitCluster.Client.Tests.Infrastructure;
using FitCluster.Grains;
using FitCluster.Silo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FitCluster.Client.Tests;

public sealed class ReadinessTests
{
    [Fact]
    public async Task ModelStoreCheck_WhileWarming_IsDegradedNotUnhealthy()
    {
        var root = Directory.CreateTempSubdirectory("fit-ready-").FullName;
        try
        {
            using var store = new ModelStore(Options.Create(new RankingOptions { ArtifactRoot = root }), NullLogger<ModelStore>.Instance);
            var warmup = new ModelWarmupService(new FakeGrains().Factory(), store, NullLogger<ModelWarmupService>.Instance); // never started: warming

            var result = await new ModelStoreHealthCheck(store, warmup).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

            Assert.Equal(HealthStatus.Degraded, result.Status);
            Assert.Equal("Warming the active model version.", result.Description);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(HealthStatus.Healthy, HttpStatusCode.OK)]
    [InlineData(HealthStatus.Degraded, HttpStatusCode.ServiceUnavailable)]
    [InlineData(HealthStatus.Unhealthy, HttpStatusCode.ServiceUnavailable)]
    public async Task Ready_AnswersOkOnlyWhenHealthy_LiveIgnoresReadiness(HealthStatus status, HttpStatusCode expected)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHealthChecks()
            .AddCheck("live", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck("models", () => new HealthCheckResult(status, "as the test says"), tags: ["ready"]);
        await using var app = builder.Build();
        app.MapSiloHealthChecks();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address + "/") };

        var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        var live = await http.GetAsync(new Uri("health/live", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(expected, ready.StatusCode);
        Assert.Equal(status.ToString(), await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }
}
