using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Azure.Data.Tables;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// <c>Cluster:Clustering=azure</c> against Azurite (the Azure Storage emulator, installed from npm on first use): silo
/// processes find each other through the membership table, the gateway finds them through it too, and the active model
/// version lives in Azure Storage (tables or blobs), so it survives every silo stopping.
/// </summary>
[Collection(ClusterOperationsGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class AzureStorageClusterTests
{
    private const string OtherVersion = "two-tower-test-1";
    private static readonly string[] s_versions = [ClusterProcesses.DefaultModelVersion, OtherVersion];
    private static readonly string[] s_behaviours = ["m3", "m9", "m1", "m22"];
    private static readonly TimeSpan s_reconnectTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ThreeSilosClusteredThroughAzureTables_RankThroughTheGateway_AsTheInProcessRanker()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        using var folder = new TempDirectory();
        ClusterFixture.WriteArtifacts(folder.Combine("artifacts"));
        await using var azurite = await OwnAzurite.StartOrSkipAsync(folder.Combine("azurite"), cancellationToken);

        var watch = Stopwatch.StartNew();
        await using var cluster = await ClusterProcesses.StartAsync(
            azurite.ConnectionString, folder.Combine("artifacts"), siloCount: 3, ClusterFixture.ShardCount, s_versions, ClusterSettings.Azure, cancellationToken);
        output?.WriteLine($"cluster {cluster.ClusterId} started in {watch.Elapsed.TotalSeconds:F1} s: {cluster.StartupReport}");

        // The three silos are in Azurite's membership table, active, under this cluster's id.
        var members = new TableServiceClient(azurite.ConnectionString).GetTableClient("OrleansSiloInstances")
            .QueryAsync<TableEntity>(e => e.PartitionKey == cluster.ClusterId, cancellationToken: cancellationToken);
        var active = 0;
        await foreach (var member in members)
        {
            active += member.GetString("Status") == "Active" ? 1 : 0;
        }

        Assert.True(active == 3, $"{active} active silos in the membership table, expected 3.{Environment.NewLine}{cluster.Diagnostics()}");

        foreach (var (version, directory, userId, k) in new[]
        {
            (ClusterProcesses.DefaultModelVersion, "fit", 2, 5),
            (OtherVersion, "two-tower", 1, 40),
        })
        {
            var body = new RankBody(TestArtifact.User(userId), s_behaviours, AllItemsReversed(), k, version);
            using var response = await cluster.Http.RankAsync(body, cancellationToken);
            var reply = await response.ReadAsync<RankReply>(HttpStatusCode.OK, cancellationToken);
            ReferenceRanking.AssertSame(ReferenceRanking.Rank(Path.Combine(folder.Combine("artifacts"), directory), body), reply);
            Assert.Equal(1.0, reply.Coverage);
        }

        // And through the third silo's own API (its grain calls cross the cluster to the shards' silos).
        using var silo = cluster.SiloHttp(3);
        var third = new RankBody(TestArtifact.User(4), s_behaviours, AllItemsReversed(), 10);
        using var direct = await silo.RankAsync(third, cancellationToken);
        ReferenceRanking.AssertSame(ReferenceRanking.Rank(Path.Combine(folder.Combine("artifacts"), "fit"), third), await direct.ReadAsync<RankReply>(HttpStatusCode.OK, cancellationToken));
    }

    [Theory]
    [InlineData("table")]
    [InlineData("blob")]
    public async Task ActivatedVersion_SurvivesEverySiloStopping(string grainStorage)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        using var folder = new TempDirectory();
        var artifacts = folder.Combine("artifacts");
        ClusterFixture.WriteArtifacts(artifacts);
        await using var azurite = await OwnAzurite.StartOrSkipAsync(folder.Combine("azurite"), cancellationToken);
        var watch = Stopwatch.StartNew();
        await using var cluster = await ClusterProcesses.StartAsync(
            azurite.ConnectionString, artifacts, siloCount: 2, shardCount: 2, s_versions, ClusterSettings.AzureWith(grainStorage), cancellationToken);
        output?.WriteLine($"cluster {cluster.ClusterId} ({grainStorage} grain storage) started in {watch.Elapsed.TotalSeconds:F1} s: {cluster.StartupReport}");

        using (var activate = new HttpRequestMessage(HttpMethod.Post, $"v1/models/{OtherVersion}/activate"))
        {
            activate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
            using var response = await cluster.Http.SendAsync(activate, cancellationToken);
            Assert.Equal(OtherVersion, (await response.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken)).ActiveVersion);
        }

        watch.Restart();
        foreach (var silo in cluster.Silos.ToList())
        {
            var code = await cluster.StopSiloAsync(silo.Number, cancellationToken);
            Assert.True(code == 0, $"{silo} exited with code {code} after SIGTERM.{Environment.NewLine}{silo.Process.Tail()}");
        }

        output?.WriteLine($"every silo stopped in {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
        // Each restart replaces its entry of cluster.Silos: the numbers are taken first.
        var numbers = cluster.Silos.Select(s => s.Number).ToList();
        await Task.WhenAll(numbers.Select(n => cluster.RestartSiloAsync(n, cancellationToken)));
        await Task.WhenAll(numbers.Select(n => ClusterProcesses.WaitUntilReadyAsync(cluster.Silos[n - 1], cancellationToken)));
        output?.WriteLine($"every silo started again and ready in {watch.Elapsed.TotalSeconds:F1} s");

        // The gateway reconnects to the new silos (same ports) by itself; its answer then names the stored version.
        watch.Restart();
        var models = await WaitForModelsAsync(cluster, cancellationToken);
        output?.WriteLine($"gateway answered again {watch.Elapsed.TotalSeconds:F1} s after the silos were ready");
        Assert.Equal(OtherVersion, models.ActiveVersion);
        using (var silo = cluster.SiloHttp(1))
        using (var response = await silo.GetAsync(new Uri("v1/models", UriKind.Relative), cancellationToken))
        {
            Assert.Equal(OtherVersion, (await response.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken)).ActiveVersion);
        }

        var body = new RankBody(TestArtifact.User(2), s_behaviours, AllItemsReversed(), 10);
        using var rank = await cluster.Http.RankAsync(body, cancellationToken);
        var reply = await rank.ReadAsync<RankReply>(HttpStatusCode.OK, cancellationToken);
        Assert.Equal(OtherVersion, reply.ModelVersion);
        ReferenceRanking.AssertSame(ReferenceRanking.Rank(Path.Combine(artifacts, "two-tower"), body), reply);
    }

    private static async Task<ModelsReply> WaitForModelsAsync(ClusterProcesses cluster, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var last = "no answer yet";
        while (watch.Elapsed < s_reconnectTimeout)
        {
            try
            {
                using var response = await cluster.Http.GetAsync(new Uri("v1/models", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken);
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        throw new TimeoutException($"The gateway did not answer GET /v1/models within {s_reconnectTimeout.TotalSeconds:F0} s of the silos' restart; last answer: {last}.{Environment.NewLine}{cluster.Diagnostics()}");
    }

    private static string[] AllItemsReversed() => [.. Enumerable.Range(0, TestArtifact.ItemCount).Reverse().Select(TestArtifact.ItemKey)];
}
