namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One silo process of the embedded default (<c>./fit silo</c>: localhost clustering, grain state in files inside the
/// artifact root) on free ports, with the admin token, serving its HTTP API. It can be killed (SIGKILL) and started again
/// with the same ports and folders. Disposing kills it.
/// </summary>
public sealed class EmbeddedSilo : IAsyncDisposable
{
    private readonly string[] _arguments;
    private ChildProcess _process;

    private EmbeddedSilo(string[] arguments, int httpPort)
    {
        _arguments = arguments;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        _process = Launch("silo");
    }

    /// <summary>Client of the silo's HTTP API (base address set).</summary>
    public HttpClient Http { get; }

    /// <summary>The running process.</summary>
    public ChildProcess Process => _process;

    private static Dictionary<string, string?> Environment => new()
    {
        ["ASPNETCORE_URLS"] = null,
        ["DOTNET_ENVIRONMENT"] = null,
        ["ASPNETCORE_ENVIRONMENT"] = null,
        ["FITCLUSTER_ADMIN_TOKEN"] = ClusterProcesses.AdminToken,
    };

    /// <summary>Starts a silo serving <paramref name="artifactRoot"/> with <paramref name="arguments"/> added, and waits until it is ready.</summary>
    public static async Task<EmbeddedSilo> StartAsync(string artifactRoot, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var ports = FreePorts.Take(3);
        string[] all =
        [
            RepositoryLayout.Find().SiloDll,
            $"--Ranking:ArtifactRoot={artifactRoot}",
            $"--Cluster:SiloPort={ports[0]}",
            $"--Cluster:PrimarySiloPort={ports[0]}",
            $"--Cluster:GatewayPort={ports[1]}",
            $"--Urls=http://127.0.0.1:{ports[2]}",
            .. arguments,
        ];
        var silo = new EmbeddedSilo(all, ports[2]);
        try
        {
            await silo.WaitUntilReadyAsync("silo readiness", cancellationToken);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the silo with SIGKILL: nothing flushes on the way out.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Starts the killed silo again with the same ports and folders and waits until it is ready.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await _process.DisposeAsync();
        _process = Launch("silo (restarted)");
        await WaitUntilReadyAsync("restarted silo readiness", cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
    }

    private ChildProcess Launch(string name) => ChildProcess.Start(name, RepositoryLayout.DotnetHost, _arguments, Environment);

    private Task WaitUntilReadyAsync(string phase, CancellationToken cancellationToken) =>
        ClusterProcesses.WaitUntilHealthyAsync(Http, new Uri("health/ready", UriKind.Relative), _process, phase, cancellationToken);
}
