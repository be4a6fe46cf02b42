using System.Net;
using System.Net.Http.Headers;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// Activation needs the admin token at both doors (the gateway and a silo's own API), whose processes read it from
/// <c>FITCLUSTER_ADMIN_TOKEN</c>; a wrong token changes nothing. The test activates the version already active, so
/// the shared deployment's other tests see no change.
/// </summary>
[Collection(ClusterGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class AdminEndToEndTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("gateway", null, HttpStatusCode.Unauthorized)]
    [InlineData("gateway", "not-the-admin-token-0123456789", HttpStatusCode.Unauthorized)]
    [InlineData("gateway", ClusterProcesses.AdminToken, HttpStatusCode.OK)]
    [InlineData("silo", null, HttpStatusCode.Unauthorized)]
    [InlineData("silo", "not-the-admin-token-0123456789", HttpStatusCode.Unauthorized)]
    [InlineData("silo", ClusterProcesses.AdminToken, HttpStatusCode.OK)]
    public async Task Activate_NeedsTheAdminToken(string door, string? token, HttpStatusCode expected)
    {
        var cluster = fixture.Cluster;
        var cancellationToken = TestContext.Current.CancellationToken;
        using var silo = cluster.SiloHttp(1);
        var http = door == "silo" ? silo : cluster.Http;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/models/{ClusterProcesses.DefaultModelVersion}/activate");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, cancellationToken);

        if (expected == HttpStatusCode.OK)
        {
            var catalog = await response.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken);
            Assert.Equal(ClusterProcesses.DefaultModelVersion, catalog.ActiveVersion);
        }
        else
        {
            var problem = await response.ReadAsync<ProblemReply>(expected, cancellationToken);
            Assert.Equal("unauthorized", problem.Code);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }

        // Reads need no token.
        using var models = await http.GetAsync(new Uri("v1/models", UriKind.Relative), cancellationToken);
        var listed = await models.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken);
        Assert.Equal(ClusterProcesses.DefaultModelVersion, listed.ActiveVersion);
    }
}
