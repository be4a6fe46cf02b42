using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// One cluster of the benchmark: a <c>redis-server</c> on the bridge of a <see cref="HostNetwork"/> (membership and grain
/// state), and one silo per host, each bound to its host's address (silo, gateway and HTTP ports the same in every
/// host), clustering through Redis. Requests go straight to the silos' own HTTP APIs. Disposing kills every process and
/// removes the hosts.
/// </summary>
public sealed class ScaleCluster : IAsyncDisposable
{
    /// <summary>Silo-to-silo port in every host.</summary>
    public const int SiloPort = 11111;

    /// <summary>Client gateway port in every host.</summary>
    public const int GatewayPort = 30000;

    /// <summary>HTTP API and health port in every host.</summary>
    public const int HttpPort = 5080;

    // ModelStore's log line for a folder it will not serve: the silo never gets ready, so the wait ends at once.
    private const string RefusedLine = "Refused artifact folder";

    private static readonly TimeSpan s_probeInterval = TimeSpan.FromMilliseconds(250);
    private readonly HostNetwork _network;
    private readonly List<HostProcess> _silos = [];
    private HostProcess? _redis;

    private ScaleCluster(HostNetwork network) => _network = network;

    /// <summary>Each silo's <c>POST /v1/rank</c>.</summary>
    public IReadOnlyList<Uri> RankUris => [.. _network.Hosts.Select(h => new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{h.Address}:{HttpPort}/v1/rank")))];

    /// <summary>Seconds from starting the silos until the last one was ready (loaded, verified and warmed its model).</summary>
    public double ReadySeconds { get; private set; }

    /// <summary>The silo processes.</summary>
    public IReadOnlyList<HostProcess> Silos => _silos;

    /// <summary>Makes <paramref name="silos"/> hosts, starts Redis and the silos, and waits until every silo is ready.</summary>
    /// <exception cref="InvalidOperationException">A process exited or a silo was not ready in time; the message has its last lines.</exception>
    public static async Task<ScaleCluster> StartAsync(ClusterLaunch launch, int silos, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        Directory.CreateDirectory(launch.LogDirectory);
        var network = await HostNetwork.CreateAsync(silos, cancellationToken);
        var cluster = new ScaleCluster(network);
        try
        {
            var redisPort = FreePort(network.BridgeAddress);
            cluster._redis = HostProcess.Start("redis", launch.RedisServer,
                ["--bind", network.BridgeAddress, "--port", redisPort.ToString(CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no",
                 "--protected-mode", "no", "--daemonize", "no", "--dir", launch.LogDirectory],
                Path.Combine(launch.LogDirectory, "redis.log"), "Ready to accept connections");
            await WaitForAsync(cluster._redis.LineSeen, cluster._redis, TimeSpan.FromSeconds(30), cancellationToken);

            var clusterId = string.Create(CultureInfo.InvariantCulture, $"scale-{Environment.ProcessId}-{Stopwatch.GetTimestamp() % 1_000_000}");
            var started = Stopwatch.GetTimestamp();
            foreach (var (ns, address) in network.Hosts)
            {
                string[] arguments =
                [
                    launch.SiloDll,
                    $"--Ranking:ArtifactRoot={launch.CatalogDirectory}",
                    $"--Ranking:DefaultModelVersion={launch.ModelVersion}",
                    string.Create(CultureInfo.InvariantCulture, $"--Ranking:ShardCount={silos * launch.ShardsPerSilo}"),
                    "--Cluster:Clustering=redis",
                    string.Create(CultureInfo.InvariantCulture, $"--Cluster:RedisConnectionString={network.BridgeAddress}:{redisPort}"),
                    $"--Cluster:ClusterId={clusterId}",
                    $"--Cluster:ServiceId={clusterId}",
                    $"--Cluster:AdvertisedAddress={address}",
                    string.Create(CultureInfo.InvariantCulture, $"--Cluster:SiloPort={SiloPort}"),
                    string.Create(CultureInfo.InvariantCulture, $"--Cluster:GatewayPort={GatewayPort}"),
                    string.Create(CultureInfo.InvariantCulture, $"--Urls=http://{address}:{HttpPort}"),
                ];
                var (fileName, inHost) = network.InHost(ns, launch.DotnetHost, arguments);
                var number = cluster._silos.Count + 1;
                cluster._silos.Add(HostProcess.Start(
                    string.Create(CultureInfo.InvariantCulture, $"silo {number} ({address})"), fileName, inHost,
                    Path.Combine(launch.LogDirectory, string.Create(CultureInfo.InvariantCulture, $"silo-{number}.log")),
                    failureLine: RefusedLine));
            }

            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var ready = network.Hosts.Select((host, i) => WaitUntilReadyAsync(probe, host.Address, cluster._silos[i], launch.ReadyTimeout, cancellationToken)).ToList();
            await Task.WhenAll(ready);
            cluster.ReadySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The largest silo's and all silos' resident memory now, in bytes (exited silos count 0).</summary>
    public (long MaxSilo, long Total) Memory()
    {
        long max = 0, total = 0;
        foreach (var silo in _silos)
        {
            var rss = silo.Memory()?.Rss ?? 0;
            max = Math.Max(max, rss);
            total += rss;
        }

        return (max, total);
    }

    /// <summary>Each silo's peak resident memory since it started (<c>VmHWM</c>), in bytes.</summary>
    public IReadOnlyList<long> PeakMemory() => [.. _silos.Select(s => s.Memory()?.Peak ?? 0)];

    /// <summary>The last lines of every process, for an error message.</summary>
    public string Diagnostics() => string.Join(Environment.NewLine, _silos.Select(s => s.Tail()).Append(_redis?.Tail() ?? string.Empty));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        _silos.Clear();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
            _redis = null;
        }

        await _network.DisposeAsync();
    }

    private static async Task WaitUntilReadyAsync(HttpClient probe, string address, HostProcess silo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{address}:{HttpPort}/health/ready"));
        var watch = Stopwatch.StartNew();
        var last = "no answer yet";
        while (watch.Elapsed < timeout)
        {
            if (silo.FailureSeen.IsCompleted)
            {
                throw new InvalidOperationException($"{silo.Name} refused the catalog: {silo.FailureSeen.Result.Trim()}");
            }

            if (silo.HasExited)
            {
                throw new InvalidOperationException($"{silo.Name} exited before it was ready; last answer of GET {uri}: {last}.{Environment.NewLine}{silo.Tail()}");
            }

            try
            {
                using var response = await probe.GetAsync(uri, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && body == "Healthy")
                {
                    return;
                }

                last = string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} \"{body}\"");
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "no answer within 10 s";
            }

            await Task.Delay(s_probeInterval, cancellationToken);
        }

        throw new InvalidOperationException(
            $"{silo.Name} was not ready within {timeout.TotalMinutes:0.#} min; last answer of GET {uri}: {last}.{Environment.NewLine}{silo.Tail()}");
    }

    private static async Task WaitForAsync(Task signal, HostProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await signal.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"{process.Name} did not start within {timeout.TotalSeconds:0} s.{Environment.NewLine}{process.Tail()}");
        }
    }

    private static int FreePort(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
