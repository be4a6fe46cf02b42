using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using FitCluster.EndToEnd.Tests.Wire;

namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A FitCluster deployment as separate processes on this machine: silos with Redis clustering (distinct free ports, a
/// cluster id of their own) and the HTTP gateway in front of them, started from the repository's build output.
/// Disposing kills every process, whatever state they are in.
/// </summary>
public sealed class ClusterProcesses : IAsyncDisposable
{
    /// <summary>Gateway limits small enough for the bad-input tests to cross them cheaply.</summary>
    public const int MaxCandidates = 50;

    /// <summary>See <see cref="MaxCandidates"/>.</summary>
    public const int MaxK = 50;

    /// <summary>See <see cref="MaxCandidates"/>.</summary>
    public const int MaxBehaviours = 20;

    /// <summary>The model version the catalog activates when none is stored.</summary>
    public const string DefaultModelVersion = "fit-test-1";

    /// <summary>The admin token every silo and the gateway are started with (<c>FITCLUSTER_ADMIN_TOKEN</c>).</summary>
    public const string AdminToken = "e2e-admin-token-7f3c9a1b5d2e4f60";

    // Generous: on a 2-core CI machine the silos start while other test assemblies train models.
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_healthInterval = TimeSpan.FromMilliseconds(100);

    // The host prints this once every hosted service has started: for a silo, once it has joined the cluster; for the
    // gateway, once its cluster client has connected.
    private const string StartedLine = "Application started";

    private readonly List<Silo> _silos = [];
    private readonly List<string[]> _siloArguments = [];
    private readonly List<ChildProcess> _stopped = [];
    private ChildProcess? _gateway;
    private HttpClient? _http;
    private readonly List<(string Phase, TimeSpan Elapsed)> _phases = [];

    private ClusterProcesses(string clusterId) => ClusterId = clusterId;

    /// <summary>The Orleans cluster (and service) id, unique to this deployment.</summary>
    public string ClusterId { get; }

    /// <summary>The silos, in start order.</summary>
    public IReadOnlyList<Silo> Silos => _silos;

    /// <summary>HTTP client for the gateway (base address set).</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("The gateway has not been started.");

    /// <summary>An HTTP client of silo <paramref name="number"/>'s own HTTP API (1-based; the caller disposes it).</summary>
    public HttpClient SiloHttp(int number) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{_silos[number - 1].HealthPort}/"), Timeout = s_requestTimeout };

    /// <summary>How long start-up took, by phase (seconds since the first process started), for the test log.</summary>
    public string StartupReport => string.Join(", ", _phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} after {p.Elapsed.TotalSeconds:F1} s")));

    /// <summary>
    /// Starts <paramref name="siloCount"/> silos serving <paramref name="artifactRoot"/> with <paramref name="shardCount"/>
    /// shards, waits for each to say it started and answer <c>/health/ready</c>, then starts the gateway and waits until
    /// <c>GET /v1/models</c> lists <paramref name="expectedVersions"/>.
    /// </summary>
    public static async Task<ClusterProcesses> StartAsync(
        string redisConnectionString, string artifactRoot, int siloCount, int shardCount, IReadOnlyCollection<string> expectedVersions,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expectedVersions);
        var layout = RepositoryLayout.Find();
        var siloDll = layout.SiloDll;
        var clientDll = layout.ClientDll;
        var cluster = new ClusterProcesses("e2e-" + Guid.NewGuid().ToString("N")[..12]);
        var watch = Stopwatch.StartNew();
        try
        {
            var ports = FreePorts.Take((siloCount * 3) + 1);
            for (var i = 0; i < siloCount; i++)
            {
                int number = i + 1, siloPort = ports[3 * i], siloGatewayPort = ports[(3 * i) + 1], healthPort = ports[(3 * i) + 2];
                string[] arguments =
                [
                    siloDll,
                    $"--Ranking:ArtifactRoot={artifactRoot}",
                    $"--Ranking:ShardCount={shardCount}",
                    $"--Ranking:DefaultModelVersion={DefaultModelVersion}",
                    $"--Ranking:MaxCandidates={MaxCandidates}",
                    "--Cluster:Clustering=redis",
                    $"--Cluster:RedisConnectionString={redisConnectionString}",
                    $"--Cluster:SiloPort={siloPort}",
                    $"--Cluster:GatewayPort={siloGatewayPort}",
                    $"--Cluster:ClusterId={cluster.ClusterId}",
                    $"--Cluster:ServiceId={cluster.ClusterId}",
                    $"--Urls=http://127.0.0.1:{healthPort}",
                    // Membership changes (a silo joining, one declared dead) go to the log that failure messages quote.
                    "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information",
                ];
                var process = ChildProcess.Start($"silo {number}", RepositoryLayout.DotnetHost, arguments, ChildEnvironment);
                cluster._siloArguments.Add(arguments);
                cluster._silos.Add(new Silo(number, siloPort, siloGatewayPort, healthPort, process));
            }

            using var probe = new HttpClient { Timeout = s_requestTimeout };
            await Task.WhenAll(cluster._silos.Select(async silo =>
            {
                var phase = $"{silo.Process.Name} start (silo port {silo.SiloPort}, gateway port {silo.GatewayPort})";
                await silo.Process.WaitForLineAsync(StartedLine, s_startTimeout, phase, cancellationToken);
                await WaitUntilHealthyAsync(probe, new Uri($"http://127.0.0.1:{silo.HealthPort}/health/ready"), silo.Process, $"{silo.Process.Name} readiness", cancellationToken);
            }));
            cluster._phases.Add(("silos ready", watch.Elapsed));

            var gatewayPort = ports[^1];
            cluster._gateway = ChildProcess.Start("gateway", RepositoryLayout.DotnetHost,
            [
                clientDll,
                "gateway",
                "--urls", $"http://127.0.0.1:{gatewayPort}",
                "--Gateway:Clustering=redis",
                $"--Gateway:RedisConnectionString={redisConnectionString}",
                $"--Gateway:ClusterId={cluster.ClusterId}",
                $"--Gateway:ServiceId={cluster.ClusterId}",
                $"--Gateway:MaxCandidates={MaxCandidates}",
                $"--Gateway:MaxK={MaxK}",
                $"--Gateway:MaxBehaviours={MaxBehaviours}",
            ], ChildEnvironment);
            cluster._http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}/"), Timeout = s_requestTimeout };
            await cluster._gateway.WaitForLineAsync(StartedLine, s_startTimeout, $"gateway start (port {gatewayPort})", cancellationToken);
            await WaitUntilHealthyAsync(cluster.Http, new Uri("health", UriKind.Relative), cluster._gateway, "gateway health", cancellationToken);
            cluster._phases.Add(("gateway started", watch.Elapsed));
            await cluster.ExpectVersionsAsync(expectedVersions, cancellationToken);
            cluster._phases.Add(("models listed", watch.Elapsed));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    // The children read their settings from the command line and appsettings.json only, whatever the test host's
    // environment holds; and the admin token from the environment, as in a deployment.
    private static Dictionary<string, string?> ChildEnvironment => new()
    {
        ["ASPNETCORE_URLS"] = null,
        ["DOTNET_ENVIRONMENT"] = null,
        ["ASPNETCORE_ENVIRONMENT"] = null,
        ["FITCLUSTER_ADMIN_TOKEN"] = AdminToken,
    };

    /// <summary>The last output lines of every process, for a failure message.</summary>
    public string Diagnostics(int linesEach = 30)
    {
        var parts = _silos.Select(s => s.Process.Tail(linesEach)).ToList();
        if (_gateway is not null)
        {
            parts.Add(_gateway.Tail(linesEach));
        }

        return string.Join(Environment.NewLine, parts);
    }

    /// <summary>Kills silo <paramref name="number"/> (1-based) with SIGKILL: no graceful leave, Orleans must notice it died.</summary>
    public Task KillSiloAsync(int number) => _silos[number - 1].Process.KillAsync();

    /// <summary>Freezes silo <paramref name="number"/> (1-based) with SIGSTOP: connected, silent, until killed.</summary>
    public Task FreezeSiloAsync(int number) => _silos[number - 1].Process.FreezeAsync();

    /// <summary>
    /// Starts silo <paramref name="number"/> (1-based) again, after it was killed, with the same ports and settings, and
    /// returns once it has said it started (it joins the cluster; readiness, i.e. warm-up, is not awaited).
    /// </summary>
    public async Task RestartSiloAsync(int number, CancellationToken cancellationToken = default)
    {
        var old = _silos[number - 1];
        await old.Process.KillAsync();
        _stopped.Add(old.Process);
        var process = ChildProcess.Start($"silo {number}", RepositoryLayout.DotnetHost, _siloArguments[number - 1], ChildEnvironment);
        _silos[number - 1] = old with { Process = process };
        await process.WaitForLineAsync(StartedLine, s_startTimeout, $"{process.Name} restart", cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        var processes = _silos.Select(s => s.Process).Concat(_stopped).ToList();
        if (_gateway is not null)
        {
            processes.Insert(0, _gateway);
        }

        var failures = new List<Exception>();
        foreach (var process in processes)
        {
            try
            {
                await process.DisposeAsync();
            }
            catch (TimeoutException e)
            {
                failures.Add(e);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("Some cluster processes could not be stopped.", failures);
        }
    }

    private async Task ExpectVersionsAsync(IReadOnlyCollection<string> expected, CancellationToken cancellationToken)
    {
        const string Phase = "gateway reaches the cluster (GET /v1/models)";
        HttpResponseMessage response;
        try
        {
            response = await Http.GetAsync(new Uri("v1/models", UriKind.Relative), cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"Phase '{Phase}': the request failed: {e.Message}{Environment.NewLine}{Diagnostics()}", e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var catalog = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ModelsReply>(WireJson.Options, cancellationToken) : null;
            var listed = catalog?.Versions.Select(v => v.ModelVersion).ToHashSet(StringComparer.Ordinal) ?? [];
            if (!expected.All(listed.Contains))
            {
                throw new InvalidOperationException(
                    $"Phase '{Phase}': expected versions [{string.Join(", ", expected)}], got HTTP {(int)response.StatusCode}: {body}{Environment.NewLine}{Diagnostics()}");
            }
        }
    }

    // Readiness is a state only observable by asking (what a Kubernetes readiness probe does): the process has said it
    // started, and its health endpoint is asked until it answers 200 "Healthy" (a silo warms its model first) or the
    // start timeout passes. The process exiting ends the wait at once.
    private static async Task WaitUntilHealthyAsync(HttpClient http, Uri uri, ChildProcess process, string phase, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var last = "no answer yet";
        while (watch.Elapsed < s_startTimeout)
        {
            if (process.Exited.IsCompleted)
            {
                throw new InvalidOperationException($"Phase '{phase}': {process.Describe()} exited; last answer of GET {uri}: {last}.{Environment.NewLine}{process.Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(uri, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && body == "Healthy")
                {
                    return;
                }

                last = $"{(int)response.StatusCode} \"{body}\"";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(s_healthInterval, cancellationToken);
        }

        throw new TimeoutException(
            $"Phase '{phase}': GET {uri} did not answer 200 \"Healthy\" within {s_startTimeout.TotalSeconds:F0} s; last answer: {last}.{Environment.NewLine}{process.Tail()}");
    }

    /// <summary>One silo process and its ports.</summary>
    /// <param name="Number">1-based, in start order.</param>
    /// <param name="SiloPort">Silo-to-silo port.</param>
    /// <param name="GatewayPort">Client gateway port.</param>
    /// <param name="HealthPort">HTTP port of <c>/health/*</c>.</param>
    /// <param name="Process">The running process.</param>
    public sealed record Silo(int Number, int SiloPort, int GatewayPort, int HealthPort, ChildProcess Process)
    {
        /// <inheritdoc />
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"silo {Number} (pid {Process.Id}, silo port {SiloPort})");
    }
}
