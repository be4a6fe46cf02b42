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
    private static readonly TimeSpan s_settleInterval = TimeSpan.FromSeconds(1);
    private readonly HostNetwork _network;
    private readonly List<HostProcess> _silos = [];
    private HostProcess? _redis;

    private ScaleCluster(HostNetwork network, ShardPlacementLog placement)
    {
        _network = network;
        Placement = placement;
    }

    /// <summary>
    /// The silos' default <c>Ranking:ShardJoinGrace</c> (RankingOptions): a silo takes shards only once it has been seen
    /// active this long, so placement cannot have settled before it has passed since the silos started.
    /// </summary>
    public static readonly TimeSpan ShardJoinGrace = TimeSpan.FromSeconds(30);

    /// <summary>How long placement must stay unchanged (no shard read, no shard moved) to count as settled.</summary>
    public static readonly TimeSpan PlacementQuiet = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait, once every silo is ready, for the shards to be spread evenly and stay put.</summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Where the served version's shards are, from the silos' logs.</summary>
    public ShardPlacementLog Placement { get; }

    /// <summary>Seconds from every silo being ready until placement settled (or the wait gave up).</summary>
    public double SettleSeconds { get; private set; }

    /// <summary>Why placement did not settle (shards per silo, what was waited for); null once it did.</summary>
    public string? SettleProblem { get; private set; }

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
        var cluster = new ScaleCluster(network, new ShardPlacementLog(silos, silos * launch.ShardsPerSilo, launch.ModelVersion));
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
                    .. launch.SiloSettings.Select(setting => "--" + setting), // after the benchmark's own: the last value of a key wins
                ];
                var (fileName, inHost) = network.InHost(ns, launch.DotnetHost, arguments);
                var number = cluster._silos.Count + 1;
                var placement = cluster.Placement;
                cluster._silos.Add(HostProcess.Start(
                    string.Create(CultureInfo.InvariantCulture, $"silo {number} ({address})"), fileName, inHost,
                    Path.Combine(launch.LogDirectory, string.Create(CultureInfo.InvariantCulture, $"silo-{number}.log")),
                    failureLine: RefusedLine, onLine: line => placement.Observe(number - 1, line, Stopwatch.GetTimestamp())));
            }

            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var ready = network.Hosts.Select((host, i) => WaitUntilReadyAsync(probe, host.Address, cluster._silos[i], launch.ReadyTimeout, cancellationToken)).ToList();
            await Task.WhenAll(ready);
            cluster.ReadySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await cluster.SettleAsync(started, SettleTimeout, cancellationToken);
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

    // Waits until the shards are spread evenly and have not moved for PlacementQuiet, at least ShardJoinGrace after the
    // silos started (a silo that joined late takes its shards only then), or gives up after `timeout` with the reason.
    private async Task SettleAsync(long started, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ready = Stopwatch.GetTimestamp();
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            var balanced = Placement.Balanced();
            var quiet = Placement.QuietFor(now);
            if (balanced && quiet >= PlacementQuiet && Stopwatch.GetElapsedTime(started, now) >= ShardJoinGrace + PlacementQuiet)
            {
                SettleSeconds = Stopwatch.GetElapsedTime(ready, now).TotalSeconds;
                return;
            }

            if (Stopwatch.GetElapsedTime(ready, now) >= timeout)
            {
                SettleSeconds = Stopwatch.GetElapsedTime(ready, now).TotalSeconds;
                SettleProblem = string.Create(CultureInfo.InvariantCulture,
                    $"placement did not settle within {timeout.TotalSeconds:0} s of ready: shards per silo {Placement.Describe()} of {Placement.ShardCount} ({(balanced ? "even" : "uneven")}), last change {quiet.TotalSeconds:0} s before; measured as it was");
                return;
            }

            ThrowIfAnySiloExited();
            await Task.Delay(s_settleInterval, cancellationToken);
        }
    }

    private void ThrowIfAnySiloExited()
    {
        if (_silos.FirstOrDefault(s => s.HasExited) is { } exited)
        {
            throw new InvalidOperationException($"{exited.Name} exited while its shards were being placed.{Environment.NewLine}{exited.Tail()}");
        }
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
