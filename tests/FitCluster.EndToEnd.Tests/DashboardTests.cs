using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// The Orleans Dashboard: absent unless <c>Cluster:Dashboard:Enabled</c> (its path 404s); when on, it answers loopback
/// callers (the page and the live counters, which come from its grains), and a caller at another address of this
/// machine gets 404 although the web host listens there too.
/// </summary>
[Collection(ClusterOperationsGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class DashboardTests
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Dashboard_OffBy404_OnForLoopbackOnly()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        var external = ExternalAddress();
        await using var off = StartSilo(folder, "off", dashboard: false, null, out var offUrl, out _);
        await using var on = StartSilo(folder, "on", dashboard: true, external, out var onUrl, out var onExternalUrl);
        await Task.WhenAll(
            off.WaitForLineAsync("Application started", s_startTimeout, "silo (dashboard off) start", cancellationToken),
            on.WaitForLineAsync("Application started", s_startTimeout, "silo (dashboard on) start", cancellationToken));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using (var response = await http.GetAsync(new Uri(offUrl, "dashboard/"), cancellationToken))
        {
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"dashboard off: {(int)response.StatusCode}{Environment.NewLine}{off.Tail()}");
        }

        using (var response = await http.GetAsync(new Uri(onUrl, "dashboard/"), cancellationToken))
        {
            var page = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"dashboard on: {(int)response.StatusCode}{Environment.NewLine}{on.Tail()}");
            Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
        }

        using (var response = await http.GetAsync(new Uri(onUrl, "dashboard/DashboardCounters"), cancellationToken))
        {
            var counters = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"dashboard counters: {(int)response.StatusCode} {counters}{Environment.NewLine}{on.Tail()}");
            Assert.Contains("totalActiveHostCount", counters, StringComparison.OrdinalIgnoreCase);
        }

        // The rest of the silo's API is unchanged on that address; only the dashboard is loopback-only.
        if (onExternalUrl is not null)
        {
            using var dashboard = await http.GetAsync(new Uri(onExternalUrl, "dashboard/"), cancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
            using var health = await http.GetAsync(new Uri(onExternalUrl, "health/live"), cancellationToken);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        else
        {
            TestContext.Current.TestOutputHelper?.WriteLine("no non-loopback IPv4 address on this machine: the remote-caller check was left out");
        }
    }

    private static ChildProcess StartSilo(TempDirectory folder, string name, bool dashboard, IPAddress? external, out Uri url, out Uri? externalUrl)
    {
        var artifacts = folder.Combine($"artifacts-{name}");
        ClusterFixture.WriteArtifacts(artifacts);
        var ports = FreePorts.Take(3);
        url = new Uri($"http://127.0.0.1:{ports[2]}/");
        externalUrl = external is null ? null : new Uri($"http://{external}:{ports[2]}/");
        var urls = externalUrl is null ? url.ToString() : $"{url};{externalUrl}";
        return ChildProcess.Start($"silo ({name})", RepositoryLayout.DotnetHost,
        [
            RepositoryLayout.Find().SiloDll,
            $"--Urls={urls}",
            $"--Ranking:ArtifactRoot={artifacts}",
            $"--Ranking:DefaultModelVersion={ClusterProcesses.DefaultModelVersion}",
            $"--Cluster:SiloPort={ports[0].ToString(CultureInfo.InvariantCulture)}",
            $"--Cluster:PrimarySiloPort={ports[0].ToString(CultureInfo.InvariantCulture)}",
            $"--Cluster:GatewayPort={ports[1].ToString(CultureInfo.InvariantCulture)}",
            $"--Cluster:ClusterId=e2e-dashboard-{name}",
            $"--Cluster:Dashboard:Enabled={dashboard}",
        ], new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = null, ["DOTNET_ENVIRONMENT"] = null, ["ASPNETCORE_ENVIRONMENT"] = null });
    }

    // An IPv4 address of this machine that is not loopback (the silo listens there too), or null on a machine without one.
    private static IPAddress? ExternalAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(i => i.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
