using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;

namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A FitCluster deployment in containers (Testcontainers over podman's Docker API): a network of its own, Redis,
/// silo containers with Redis clustering, each advertising a fixed address on that network and listening on every
/// interface (as in a pod), and the gateway container, all from the project's images (<see cref="ContainerImages"/>).
/// The artifacts are bind-mounted read-only at <c>/models</c>; the test reaches the gateway and the silos' HTTP API
/// through ports published on the host. Disposing removes every container and the network.
/// </summary>
public sealed class ContainerCluster : IAsyncDisposable
{
    /// <summary>The HTTP port of a silo (health checks and its own HTTP API) inside its container.</summary>
    public const int SiloHttpPort = 5080;

    /// <summary>The gateway's HTTP port inside its container.</summary>
    public const int GatewayHttpPort = 8080;

    // Generous: images start in a few seconds, but on a 2-core CI machine other test assemblies train models meanwhile.
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(30);

    private readonly ContainerImages _images;
    private readonly string _artifactRoot;
    private readonly int _shardCount;
    private readonly List<IContainer> _silos = [];
    private INetwork? _network;
    private IContainer? _redis;
    private IContainer? _gateway;
    private HttpClient? _http;

    private ContainerCluster(ContainerImages images, string artifactRoot, int shardCount)
    {
        _images = images;
        _artifactRoot = artifactRoot;
        _shardCount = shardCount;
        ClusterId = "e2e-ctr-" + Guid.NewGuid().ToString("N")[..10];
    }

    /// <summary>The Orleans cluster (and service) id, unique to this deployment; also names the network and containers.</summary>
    public string ClusterId { get; }

    /// <summary>HTTP client for the gateway container (base address set).</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("The gateway has not been started.");

    /// <summary>The silo containers, in start order.</summary>
    public IReadOnlyList<IContainer> Silos => _silos;

    /// <summary>
    /// Starts Redis, <paramref name="siloCount"/> silos serving the artifacts under <paramref name="artifactRoot"/> (a
    /// host folder, mounted read-only) with <paramref name="shardCount"/> shards, waits until every silo answers
    /// <c>/health/ready</c>, then starts the gateway and waits until it answers <c>/health</c>.
    /// </summary>
    public static async Task<ContainerCluster> StartAsync(
        ContainerImages images, string artifactRoot, int siloCount, int shardCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var cluster = new ContainerCluster(images, artifactRoot, shardCount);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(s_startTimeout);
            await cluster.StartAsync(siloCount, deadline.Token);
            return cluster;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var diagnostics = await cluster.DiagnosticsAsync();
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"The container cluster did not start within {s_startTimeout.TotalSeconds:F0} s: {e.Message}{Environment.NewLine}{diagnostics}", e);
        }
    }

    /// <summary>An HTTP client of silo <paramref name="number"/>'s own HTTP API through its published port (1-based; the caller disposes it).</summary>
    public HttpClient SiloHttp(int number) =>
        new() { BaseAddress = new Uri($"http://{_silos[number - 1].Hostname}:{_silos[number - 1].GetMappedPublicPort(SiloHttpPort)}/"), Timeout = s_requestTimeout };

    /// <summary>Stops silo container <paramref name="number"/> (1-based) with Testcontainers' stop (no grace period: the engine kills it).</summary>
    public Task StopSiloAsync(int number, CancellationToken cancellationToken = default) => _silos[number - 1].StopAsync(cancellationToken);

    /// <summary>The last log lines of every container, for a failure message.</summary>
    public async Task<string> DiagnosticsAsync(int linesEach = 30)
    {
        var parts = new List<string>();
        IEnumerable<(string Name, IContainer? Container)> containers =
            [("redis", _redis), .. _silos.Select((s, i) => ($"silo {i + 1}", (IContainer?)s)), ("gateway", _gateway)];
        foreach (var (name, container) in containers)
        {
            if (container is null)
            {
                continue;
            }

            try
            {
                var (stdout, stderr) = await container.GetLogsAsync();
                var lines = (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                parts.Add($"--- {name} ({container.Image.FullName}, {container.State}), last {Math.Min(linesEach, lines.Length)} lines:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, lines.TakeLast(linesEach)));
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or ArgumentException or IOException)
            {
                parts.Add($"--- {name}: no logs ({e.Message})");
            }
        }

        return string.Join(Environment.NewLine, parts);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        IEnumerable<IContainer?> containers = [_gateway, .. _silos, _redis];
        foreach (var container in containers.OfType<IContainer>())
        {
            await container.DisposeAsync();
        }

        if (_network is not null)
        {
            await _network.DisposeAsync();
        }
    }

    private async Task StartAsync(int siloCount, CancellationToken cancellationToken)
    {
        _network = new NetworkBuilder().WithName(ClusterId).WithLabel(ContainerImages.RunLabelName, _images.RunLabel).Build();
        await _network.CreateAsync(cancellationToken);

        // Redis first: its address (the network's first) tells the subnet, in which the silos take fixed addresses
        // from .100 on, far from what the network hands out by itself (from .2 on, one per container).
        _redis = Labelled(new ContainerBuilder(_images.Redis))
            .WithName($"{ClusterId}-redis")
            .WithNetwork(_network)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("Ready to accept connections"))
            .Build();
        await _redis.StartAsync(cancellationToken);
        var redisAddress = IPAddress.Parse(_redis.IpAddress);
        if (redisAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new InvalidOperationException($"Redis got {redisAddress} on network {_network.Name}; the silos' fixed addresses need IPv4.");
        }

        var redisEndpoint = string.Create(CultureInfo.InvariantCulture, $"{redisAddress}:6379");
        for (var i = 0; i < siloCount; i++)
        {
            var bytes = redisAddress.GetAddressBytes();
            bytes[3] = (byte)(100 + i);
            _silos.Add(BuildSilo(i + 1, new IPAddress(bytes).ToString(), redisEndpoint));
        }

        await Task.WhenAll(_silos.Select(s => s.StartAsync(cancellationToken)));

        _gateway = Labelled(new ContainerBuilder(_images.Gateway))
            .WithName($"{ClusterId}-gateway")
            .WithNetwork(_network)
            .WithEnvironment("FITCLUSTER_ADMIN_TOKEN", ClusterProcesses.AdminToken)
            .WithCommand(
                "gateway",
                "--urls", $"http://0.0.0.0:{GatewayHttpPort}",
                "--Gateway:Clustering=redis",
                $"--Gateway:RedisConnectionString={redisEndpoint}",
                $"--Gateway:ClusterId={ClusterId}",
                $"--Gateway:ServiceId={ClusterId}")
            .WithPortBinding(GatewayHttpPort, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(GatewayHttpPort).ForPath("/health")))
            .Build();
        await _gateway.StartAsync(cancellationToken);
        _http = new HttpClient { BaseAddress = new Uri($"http://{_gateway.Hostname}:{_gateway.GetMappedPublicPort(GatewayHttpPort)}/"), Timeout = s_requestTimeout };
    }

    private IContainer BuildSilo(int number, string address, string redisEndpoint)
    {
        var networkName = _network!.Name;
        return Labelled(new ContainerBuilder(_images.Silo))
            .WithName($"{ClusterId}-silo-{number}")
            .WithNetwork(_network)
            // A fixed address, known before the silo starts, which it advertises (Kubernetes gives the pod IP the same way).
            .WithCreateParameterModifier(parameters =>
            {
                if (parameters.NetworkingConfig?.EndpointsConfig?.TryGetValue(networkName, out var endpoint) == true)
                {
                    endpoint.IPAMConfig = new Docker.DotNet.Models.EndpointIPAMConfig { IPv4Address = address };
                }
                else
                {
                    throw new InvalidOperationException($"Testcontainers did not put silo {number} on network {networkName}.");
                }
            })
            .WithBindMount(_artifactRoot, "/models", AccessMode.ReadOnly)
            .WithEnvironment("FITCLUSTER_ADMIN_TOKEN", ClusterProcesses.AdminToken)
            .WithCommand(
                "--Cluster:Clustering=redis",
                $"--Cluster:RedisConnectionString={redisEndpoint}",
                $"--Cluster:ClusterId={ClusterId}",
                $"--Cluster:ServiceId={ClusterId}",
                $"--Cluster:AdvertisedAddress={address}",
                "--Cluster:ListenAddress=0.0.0.0",
                $"--Urls=http://0.0.0.0:{SiloHttpPort}",
                "--Ranking:ArtifactRoot=/models",
                $"--Ranking:ShardCount={_shardCount}",
                $"--Ranking:DefaultModelVersion={ClusterProcesses.DefaultModelVersion}",
                "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information")
            .WithPortBinding(SiloHttpPort, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(SiloHttpPort).ForPath("/health/ready")))
            .Build();
    }

    private ContainerBuilder Labelled(ContainerBuilder builder) => builder.WithLabel(ContainerImages.RunLabelName, _images.RunLabel);
}
