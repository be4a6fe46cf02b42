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
        await using var silo = await EmbeddedSilo.StartAsync(root, [], cancellationToken);
        var http = silo.Http;

        Assert.Equal("fit-test-1", (await ModelsAsync(http, cancellationToken)).ActiveVersion); // first start: the newest
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/models/two-tower-test-1/activate", UriKind.Relative)))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
            using var activated = await http.SendAsync(request, cancellationToken);
            Assert.Equal("two-tower-test-1", (await activated.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken)).ActiveVersion);
        }

        await silo.KillAsync(); // SIGKILL right after the acknowledgement: nothing gets to flush on the way out
        await silo.RestartAsync(cancellationToken);

        Assert.Equal("two-tower-test-1", (await ModelsAsync(http, cancellationToken)).ActiveVersion);
        Assert.True(silo.Process.HasPrinted("kept in files under"), silo.Process.Tail());
    }

    private static async Task<ModelsReply> ModelsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("v1/models", UriKind.Relative), cancellationToken);
        return await response.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken);
    }
}
