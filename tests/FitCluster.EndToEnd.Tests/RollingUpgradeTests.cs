using System.Diagnostics;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// A rolling upgrade of the silo code to the next grain contract (<c>IRankingGrain</c> version 2, built with
/// <c>-p:FitContractVersion=2</c>): two version 1 silos are replaced one by one (graceful stop, then a version 2 silo
/// started) while requests flow through the gateway (a version 1 client) and every serving silo's own HTTP API, and
/// not one of them fails.
/// </summary>
[Collection(ClusterOperationsGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class RollingUpgradeTests
{
    private const int V1Silos = 2;
    private const int RoundsAfterEachStep = 50;
    private const string Gateway = "gateway";

    // Bounds, not expectations: each wait ends as soon as its condition holds.
    private static readonly TimeSpan s_loadDeadline = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan s_roundsTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task RollingUpgrade_V1SilosReplacedByV2OneByOne_EveryRequestServedCorrectly()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        using var folder = new TempDirectory();
        var artifacts = folder.Combine("artifacts");
        ClusterFixture.WriteArtifacts(artifacts);
        await using var redis = await OwnRedis.StartOrSkipAsync(folder.Combine("redis"), cancellationToken);

        var buildWatch = Stopwatch.StartNew();
        var v2SiloDll = await ContractV2Build.BuildAsync(folder.Combine("contract-v2"), cancellationToken);
        output?.WriteLine($"built the contract v2 silo in {buildWatch.Elapsed.TotalSeconds:F1} s");

        await using var cluster = ClusterProcesses.Create(redis.ConnectionString, artifacts, shardCount: 4);
        var oldSilos = Enumerable.Range(0, V1Silos).Select(_ => cluster.LaunchSilo()).ToList();
        await Task.WhenAll(oldSilos.Select(s => ClusterProcesses.WaitUntilReadyAsync(s, cancellationToken)));
        foreach (var silo in oldSilos)
        {
            Assert.True(silo.Process.HasPrinted("IRankingGrain v1"), $"{silo} does not run contract v1.{Environment.NewLine}{silo.Process.Tail()}");
        }

        await cluster.StartGatewayAsync(cancellationToken);
        var body = new RankBody(TestArtifact.User(4), ["m2", "m3", "m4"], [.. Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey)], 10, "fit-test-1");
        var load = new RankLoad(body, ReferenceRanking.Rank(Path.Combine(artifacts, "fit"), body));
        var clients = new List<HttpClient>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? running = null;
        try
        {
            load.Add(Gateway, cluster.Http);
            foreach (var silo in oldSilos)
            {
                load.Add(silo.ToString(), Track(clients, ClusterProcesses.SiloHttp(silo)));
            }

            running = Task.Run(() => load.RunAsync(s_loadDeadline, stop.Token), CancellationToken.None);
            await load.WaitForRoundsAsync(RoundsAfterEachStep, s_roundsTimeout, cancellationToken);
            foreach (var old in oldSilos)
            {
                await load.RemoveAsync(old.ToString(), s_roundsTimeout, cancellationToken);
                var code = await cluster.StopSiloAsync(old.Number, cancellationToken);
                Assert.True(code == 0, $"{old} exited with code {code} on SIGTERM.{Environment.NewLine}{old.Process.Tail()}");
                output?.WriteLine($"stopped {old} after round {load.Rounds}");

                var upgraded = await cluster.StartSiloAsync(v2SiloDll, cancellationToken: cancellationToken);
                Assert.True(upgraded.Process.HasPrinted("IRankingGrain v2"), $"{upgraded} does not run contract v2.{Environment.NewLine}{upgraded.Process.Tail()}");
                load.Add($"{upgraded} v2", Track(clients, ClusterProcesses.SiloHttp(upgraded)));
                output?.WriteLine($"started {upgraded} (contract v2) after round {load.Rounds}");
                await load.WaitForRoundsAsync(RoundsAfterEachStep, s_roundsTimeout, cancellationToken);
            }
        }
        finally
        {
            await stop.CancelAsync();
            if (running is not null)
            {
                await running;
            }

            clients.ForEach(c => c.Dispose());
        }

        var served = load.Served;
        output?.WriteLine($"{load.Rounds} rounds; served: {string.Join(", ", served.Select(s => $"{s.Key} {s.Value}"))}");
        Assert.True(load.Errors.Count == 0,
            $"{load.Errors.Count} requests failed during the rolling upgrade:{Environment.NewLine}{string.Join(Environment.NewLine, load.Errors.Take(20))}" +
            $"{Environment.NewLine}{cluster.Diagnostics()}");
        // Every endpoint, the upgraded silos' included, really served: an empty loop would pass the check above.
        Assert.All(served, s => Assert.True(s.Value >= RoundsAfterEachStep - 1, $"{s.Key} served only {s.Value} requests"));
        Assert.Equal(1 + (2 * V1Silos), served.Count);
    }

    private static HttpClient Track(List<HttpClient> clients, HttpClient client)
    {
        clients.Add(client);
        return client;
    }
}
