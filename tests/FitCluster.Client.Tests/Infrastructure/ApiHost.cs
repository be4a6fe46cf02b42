using FitCluster.Client.Gateway;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FitCluster.Client.Tests.Infrastructure;

/// <summary>
/// The HTTP API (<c>AddFitClusterHttpApi</c> + <c>MapFitClusterGateway</c>, as the gateway and every silo host it) on a
/// real Kestrel at a free loopback port, in front of <see cref="FakeGrains"/>, with its logs captured.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    /// <summary>A valid admin token (32 characters).</summary>
    public const string Token = "test-admin-token-0123456789abcde";

    private readonly WebApplication _app;
    private readonly string _contentRoot;

    private ApiHost(WebApplication app, string contentRoot, HttpClient http)
    {
        _app = app;
        _contentRoot = contentRoot;
        Http = http;
    }

    /// <summary>Client of the API (base address set).</summary>
    public HttpClient Http { get; }

    /// <summary>The fake cluster.</summary>
    public required FakeGrains Grains { get; init; }

    /// <summary>The captured logs.</summary>
    public required CapturedLogs Logs { get; init; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the API with <paramref name="settings"/> as configuration (<c>FITCLUSTER_ADMIN_TOKEN</c> is empty unless
    /// given, whatever this process's environment holds).
    /// </summary>
    public static async Task<ApiHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null, FakeGrains? grains = null)
    {
        var contentRoot = Directory.CreateTempSubdirectory("fit-api-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot, EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var configuration = new Dictionary<string, string?>(StringComparer.Ordinal) { [AdminOptions.EnvironmentVariable] = string.Empty };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        grains ??= new FakeGrains();
        builder.Services.AddSingleton(grains.Factory());
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.AddFitClusterHttpApi();
        var app = builder.Build();
        app.MapFitClusterGateway();
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(contentRoot, recursive: true);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromSeconds(30) };
        return new ApiHost(app, contentRoot, http) { Grains = grains, Logs = logs };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Directory.Delete(_contentRoot, recursive: true);
    }
}
