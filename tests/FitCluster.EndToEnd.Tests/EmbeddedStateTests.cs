using System.Net;
using System.Net.Http.Headers;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// The embedded default (<c>./fit silo</c>: localhost clustering, no external store) keeps an acknowledged activation
/// across <c>kill -9</c> and a restart: the active version is stored in files, not in memory.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class EmbeddedStateTests
{
    [Fact]
    public async Task Activation_SurvivesKill9AndRestart_OfALocalhostSilo()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        var root = folder.Combine("models");
        TestArtifact.WriteFit(Path.Combine(root, "fit"), seed: 11, createdUtc: "2026-12-02T00:00:00Z");
        TestArtifact.WriteTwoTower(Path.Combine(root, "two-tower"), seed: 12); // older: not the first-start choice
        var ports = FreePorts.Take(3);
        string[] arguments =
        [
            RepositoryLayout.Find().SiloDll,
            $"--Ranking:ArtifactRoot={root}",
            $"--Cluster:SiloPort={ports[0]}",
            $"--Cluster:PrimarySiloPort={ports[0]}",
            $"--Cluster:GatewayPort={ports[1]}",
            $"--Urls=http://127.0.0.1:{ports[2]}",
        ];
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = null,
            ["DOTNET_ENVIRONMENT"] = null,
            ["FITCLUSTER_ADMIN_TOKEN"] = ClusterProcesses.AdminToken,
        };
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[2]}/"), Timeout = TimeSpan.FromSeconds(30) };

        await using (var first = ChildProcess.Start("silo", RepositoryLayout.DotnetHost, arguments, environment))
        {
            await ClusterProcesses.WaitUntilHealthyAsync(http, new Uri("health/ready", UriKind.Relative), first, "silo readiness", cancellationToken);
            Assert.Equal("fit-test-1", (await ModelsAsync(http, cancellationToken)).ActiveVersion); // first start: the newest
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/models/two-tower-test-1/activate", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
            using var activated = await http.SendAsync(request, cancellationToken);
            Assert.Equal("two-tower-test-1", (await activated.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken)).ActiveVersion);
            await first.KillAsync(); // SIGKILL right after the acknowledgement: nothing gets to flush on the way out
        }

        await using var second = ChildProcess.Start("silo (restarted)", RepositoryLayout.DotnetHost, arguments, environment);
        await ClusterProcesses.WaitUntilHealthyAsync(http, new Uri("health/ready", UriKind.Relative), second, "restarted silo readiness", cancellationToken);
        Assert.Equal("two-tower-test-1", (await ModelsAsync(http, cancellationToken)).ActiveVersion);
        Assert.True(second.HasPrinted("kept in files under"), second.Tail());
    }

    private static async Task<ModelsReply> ModelsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("v1/models", UriKind.Relative), cancellationToken);
        return await response.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken);
    }
}
