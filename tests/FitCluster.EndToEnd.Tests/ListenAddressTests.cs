using System.Net;
using System.Net.Sockets;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// The silo-to-silo and gateway listeners bind the advertised address only, unless <c>Cluster:ListenAddress</c> says
/// otherwise. Loopback is all of 127.0.0.0/8, so a port bound to 127.0.0.1 refuses 127.0.0.2 while one bound to
/// every interface (0.0.0.0) accepts it.
/// </summary>
[Collection(ClusterOperationsGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ListenAddressTests
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(5);
    private static readonly IPAddress s_advertised = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress s_otherLocal = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task ClusterPorts_ListenOnTheAdvertisedAddressOnly_UnlessAListenAddressIsSet()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        ClusterFixture.WriteArtifacts(folder.Combine("artifacts"));
        await using var redis = await OwnRedis.StartOrSkipAsync(folder.Combine("redis"), cancellationToken);
        await using var cluster = ClusterProcesses.Create(redis.ConnectionString, folder.Combine("artifacts"), shardCount: 2);

        var advertisedOnly = cluster.LaunchSilo(arguments: [$"--Cluster:AdvertisedAddress={s_advertised}"]);
        var everywhere = cluster.LaunchSilo(arguments: [$"--Cluster:AdvertisedAddress={s_advertised}", "--Cluster:ListenAddress=0.0.0.0"]);
        await Task.WhenAll(ClusterProcesses.WaitUntilReadyAsync(advertisedOnly, cancellationToken), ClusterProcesses.WaitUntilReadyAsync(everywhere, cancellationToken));

        var found = new List<string>();
        foreach (var (silo, label, expectOther) in new[] { (advertisedOnly, "advertised address only", false), (everywhere, "ListenAddress 0.0.0.0", true) })
        {
            foreach (var (port, kind) in new[] { (silo.SiloPort, "silo port"), (silo.GatewayPort, "gateway port") })
            {
                var onAdvertised = await AcceptsAsync(s_advertised, port, cancellationToken);
                var onOther = await AcceptsAsync(s_otherLocal, port, cancellationToken);
                if (!onAdvertised || onOther != expectOther)
                {
                    found.Add($"{silo} ({label}) {kind} {port}: accepts on {s_advertised}: {onAdvertised} (expected True), on {s_otherLocal}: {onOther} (expected {expectOther})");
                }
            }
        }

        Assert.True(found.Count == 0, string.Join(Environment.NewLine, found) + Environment.NewLine + cluster.Diagnostics());
    }

    private static async Task<bool> AcceptsAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(s_connectTimeout);
        try
        {
            await client.ConnectAsync(address, port, attempt.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
