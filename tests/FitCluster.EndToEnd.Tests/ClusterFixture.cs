using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// A real deployment for a test collection: <c>redis-server</c> on a free loopback port, three silo processes with
/// Redis clustering and six shards, and the HTTP gateway, serving a FIT and a Two-Tower test artifact. When
/// <c>redis-server</c> is neither installed nor installable, every test using it is skipped with the reason.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    /// <summary>Silo processes started by default.</summary>
    public const int SiloCount = 3;

    private readonly int _siloCount;

    /// <summary>Item shards per model version.</summary>
    public const int ShardCount = 6;

    private readonly TempDirectory _folder = new();
    private RedisServer? _redis;
    private ClusterProcesses? _cluster;
    private string? _skipReason;

    /// <summary>Creates the fixture of <see cref="SiloCount"/> silos.</summary>
    public ClusterFixture()
        : this(SiloCount)
    {
    }

    /// <summary>Creates a fixture of <paramref name="siloCount"/> silos.</summary>
    protected ClusterFixture(int siloCount) => _siloCount = siloCount;

    /// <summary>The artifact store: one sub-folder per model version.</summary>
    public string ArtifactRoot => _folder.Combine("artifacts");

    /// <summary>The FIT artifact (<c>fit-test-1</c>).</summary>
    public string FitDirectory => Path.Combine(ArtifactRoot, "fit");

    /// <summary>The Two-Tower artifact (<c>two-tower-test-1</c>).</summary>
    public string TwoTowerDirectory => Path.Combine(ArtifactRoot, "two-tower");

    /// <summary>The running cluster; skips the calling test when there is no Redis to run it with.</summary>
    public ClusterProcesses Cluster
    {
        get
        {
            Assert.SkipWhen(_skipReason is not null, _skipReason ?? string.Empty);
            return _cluster ?? throw new InvalidOperationException("The cluster fixture has not been initialised.");
        }
    }

    /// <summary>The artifact folder of <paramref name="modelVersion"/>.</summary>
    public string DirectoryOf(string modelVersion) => modelVersion switch
    {
        "fit-test-1" => FitDirectory,
        "two-tower-test-1" => TwoTowerDirectory,
        _ => throw new ArgumentException($"No test artifact has model version '{modelVersion}'.", nameof(modelVersion)),
    };

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        WriteArtifacts(ArtifactRoot);
        var (redisServer, problem) = await RedisServer.LocateOrInstallAsync(cancellationToken);
        if (redisServer is null)
        {
            _skipReason = problem;
            return;
        }

        try
        {
            _redis = await RedisServer.StartAsync(redisServer, Directory.CreateDirectory(_folder.Combine("redis")).FullName, cancellationToken);
            _cluster = await ClusterProcesses.StartAsync(
                _redis.ConnectionString, ArtifactRoot, _siloCount, ShardCount, ["fit-test-1", "two-tower-test-1"], cancellationToken: cancellationToken);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        try
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
        finally
        {
            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }

            _cluster = null;
            _redis = null;
            _folder.Dispose();
        }
    }

    /// <summary>Writes the two test artifacts (seeded) under <paramref name="root"/>.</summary>
    public static void WriteArtifacts(string root)
    {
        TestArtifact.WriteFit(Path.Combine(root, "fit"), seed: 11);
        TestArtifact.WriteTwoTower(Path.Combine(root, "two-tower"), seed: 12);
    }
}
