using System.Net;
using System.Net.Sockets;
using FitCluster.LoadTest.Scale;

namespace FitCluster.LoadTest.Tests.Scale;

public sealed class HostNetworkTests
{
    [Fact]
    public void Problem_NotRoot_SaysSo() => Assert.Contains("root", HostNetwork.Problem(isRoot: false, "/usr/sbin/ip"), StringComparison.Ordinal);

    [Fact]
    public void Problem_NoIp_NamesTheDebianPackage() => Assert.Contains("iproute2", HostNetwork.Problem(isRoot: true, ipPath: null), StringComparison.Ordinal);

    [Fact]
    public void Problem_RootWithIp_None() => Assert.Null(HostNetwork.Problem(isRoot: true, "/usr/sbin/ip"));

    [Theory]
    [InlineData("fitscale-4242-3", "fitscale-", 4242)]
    [InlineData("fsb977", "fsb", 977)]
    [InlineData("fitscale-x-1", "fitscale-", null)]
    [InlineData("cni-podman0", "fsb", null)]
    [InlineData("fsb", "fsb", null)]
    public void OwnerOf_TheProcessIdInTheName(string name, string prefix, int? owner) => Assert.Equal(owner, HostNetwork.OwnerOf(name, prefix));

    // Makes two real hosts (needs root and iproute2): a TCP listener in host 1 is reached from host 2 and from the root
    // namespace over the bridge, and everything made is gone afterwards.
    [Fact]
    public async Task CreateAsync_TwoHosts_TcpBetweenThem_RemovedOnDispose()
    {
        Assert.SkipWhen(HostNetwork.Problem() is not null, $"network namespaces cannot be made here: {HostNetwork.Problem()}");
        var cancellation = TestContext.Current.CancellationToken;
        string[] namespaces;
        await using (var network = await HostNetwork.CreateAsync(2, cancellation))
        {
            namespaces = [.. network.Hosts.Select(h => h.Namespace)];
            Assert.Equal(2, network.Hosts.Count);
            Assert.Equal(network.Subnet + ".11", network.Hosts[0].Address);
            Assert.Equal(network.Subnet + ".12", network.Hosts[1].Address);

            // A listener in host 1 (nc from the network namespace would need netcat: bash's /dev/tcp is enough).
            var (fileName, arguments) = network.InHost(network.Hosts[0].Namespace, "bash",
                ["-c", $"exec 3<>/dev/tcp/{network.BridgeAddress}/{{PORT}} && echo from-host-1 >&3"]);
            using var listener = new TcpListener(IPAddress.Parse(network.BridgeAddress), 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var startInfo = new System.Diagnostics.ProcessStartInfo(fileName) { UseShellExecute = false };
            foreach (var argument in arguments)
            {
                startInfo.ArgumentList.Add(argument.Replace("{PORT}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            }

            using var client = System.Diagnostics.Process.Start(startInfo)!;
            using var accepted = await listener.AcceptTcpClientAsync(cancellation);
            using var reader = new StreamReader(accepted.GetStream());
            Assert.Equal("from-host-1", await reader.ReadLineAsync(cancellation));
            Assert.StartsWith(network.Hosts[0].Address + ":", accepted.Client.RemoteEndPoint!.ToString(), StringComparison.Ordinal);
            await client.WaitForExitAsync(cancellation);
            Assert.Equal(0, client.ExitCode);

            // Host 2 reaches host 1 across the bridge (host-to-host, the silo-to-silo path).
            var (ping, pingArguments) = network.InHost(network.Hosts[1].Namespace, "bash",
                ["-c", $"(echo > /dev/tcp/{network.Hosts[0].Address}/9) 2>&1 | grep -q refused"]);
            var probe = new System.Diagnostics.ProcessStartInfo(ping) { UseShellExecute = false };
            foreach (var argument in pingArguments)
            {
                probe.ArgumentList.Add(argument);
            }

            using var refused = System.Diagnostics.Process.Start(probe)!;
            await refused.WaitForExitAsync(cancellation);
            Assert.Equal(0, refused.ExitCode); // "connection refused" came back from host 1's stack: routed, not dropped
        }

        var left = File.Exists("/run/netns/" + namespaces[0]) || File.Exists("/run/netns/" + namespaces[1]);
        Assert.False(left, "the namespaces were not removed");
    }
}
