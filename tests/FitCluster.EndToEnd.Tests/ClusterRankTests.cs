using FitCluster.EndToEnd.Tests.Infrastructure;
using System.Net;
using System.Text.Json;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>Ranking through the HTTP gateway of three silo processes equals the in-process ranker.</summary>
[Collection(ClusterGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ClusterRankTests(ClusterFixture fixture)
{
    private static readonly string[] s_behaviours = ["m3", "m9", "m1", "m22"];

    public static TheoryData<string, int, int> Cases => new()
    {
        { "fit-test-1", 2, 5 },
        { "fit-test-1", 3, 40 },
        { "two-tower-test-1", 2, 7 },
        { "two-tower-test-1", 1, 40 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Rank_NamedVersion_EqualsInProcessRanker(string modelVersion, int userId, int k)
    {
        var cluster = fixture.Cluster;
        TestContext.Current.TestOutputHelper?.WriteLine($"cluster {cluster.ClusterId} started: {cluster.StartupReport}");
        var body = new RankBody(TestArtifact.User(userId), s_behaviours, AllItemsReversed(), k, modelVersion);

        using var response = await cluster.Http.RankAsync(body, TestContext.Current.CancellationToken);
        var reply = await response.ReadAsync<RankReply>(HttpStatusCode.OK, TestContext.Current.CancellationToken);

        ReferenceRanking.AssertSame(ReferenceRanking.Rank(fixture.DirectoryOf(modelVersion), body), reply);
        Assert.Equal(Math.Min(k, TestArtifact.ItemCount), reply.Items.Length);
        Assert.Equal(1.0, reply.Coverage);
        Assert.Empty(reply.UnknownCandidates);
        Assert.Empty(reply.UnknownBehaviours);
        Assert.Empty(reply.UnknownFeatures);
        Assert.Contains("cluster_ms", reply.Timings.Keys);
    }

    [Fact]
    public async Task Rank_NoVersion_UsesActiveVersion()
    {
        var body = new RankBody(TestArtifact.User(3, "M"), s_behaviours, AllItemsReversed(), 10);

        using var response = await fixture.Cluster.Http.RankAsync(body, TestContext.Current.CancellationToken);
        var reply = await response.ReadAsync<RankReply>(HttpStatusCode.OK, TestContext.Current.CancellationToken);

        Assert.Equal("fit-test-1", reply.ModelVersion);
        ReferenceRanking.AssertSame(ReferenceRanking.Rank(fixture.FitDirectory, body), reply);
    }

    [Fact]
    public async Task Rank_UnknownIdsAndFeatureValues_ReportedWithPartialCoverage()
    {
        var user = new Dictionary<string, string> { ["user_id"] = "somebody-new", ["gender"] = "F" };
        var body = new RankBody(user, ["m2", "ghost"], ["m1", "nope", "m4", "m5"], 10, "two-tower-test-1");

        using var response = await fixture.Cluster.Http.RankAsync(body, TestContext.Current.CancellationToken);
        var reply = await response.ReadAsync<RankReply>(HttpStatusCode.OK, TestContext.Current.CancellationToken);

        Assert.Equal(["nope"], reply.UnknownCandidates);
        Assert.Equal(["ghost"], reply.UnknownBehaviours);
        Assert.Equal(["user_id"], reply.UnknownFeatures);
        Assert.Equal(0.75, reply.Coverage);
        ReferenceRanking.AssertSame(ReferenceRanking.Rank(fixture.TwoTowerDirectory, body), reply);
    }

    [Fact]
    public async Task Rank_OnlyUnknownCandidates_EmptyWithZeroCoverage()
    {
        var body = new RankBody(TestArtifact.User(1), [], ["x1", "x2"], 5);

        using var response = await fixture.Cluster.Http.RankAsync(body, TestContext.Current.CancellationToken);
        var reply = await response.ReadAsync<RankReply>(HttpStatusCode.OK, TestContext.Current.CancellationToken);

        Assert.Empty(reply.Items);
        Assert.Equal(["x1", "x2"], reply.UnknownCandidates);
        Assert.Equal(0.0, reply.Coverage);
    }

    [Fact]
    public async Task Models_TwoVersions_ListedWithActive()
    {
        using var response = await fixture.Cluster.Http.GetAsync(new Uri("v1/models", UriKind.Relative), TestContext.Current.CancellationToken);
        var reply = await response.ReadAsync<ModelsReply>(HttpStatusCode.OK, TestContext.Current.CancellationToken);

        Assert.Equal("fit-test-1", reply.ActiveVersion);
        Assert.Equal(["fit-test-1:fit", "two-tower-test-1:two-tower"], reply.Versions.Select(v => $"{v.ModelVersion}:{v.ModelKind}").Order());
        Assert.All(reply.Versions, v => Assert.Equal(TestArtifact.ItemCount, v.ItemCount));
        Assert.All(reply.Versions, v => Assert.Equal(TestArtifact.UserFieldNames, v.UserFeatures));
    }

    [Fact]
    public async Task OpenApi_Document_ListsRankAndModels()
    {
        using var response = await fixture.Cluster.Http.GetAsync(new Uri("openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        var document = await response.ReadAsync<JsonElement>(HttpStatusCode.OK, TestContext.Current.CancellationToken);

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/rank", out var rank), $"/v1/rank is not in the OpenAPI paths: {paths}");
        Assert.True(rank.TryGetProperty("post", out _), $"/v1/rank has no POST operation: {rank}");
        Assert.True(paths.TryGetProperty("/v1/models", out _), $"/v1/models is not in the OpenAPI paths: {paths}");
    }

    [Fact]
    public async Task Rank_EverySiloServesTheApiItself_EqualsInProcessRanker()
    {
        // Cluster:HttpApi (default on): each silo answers POST /v1/rank on its own URL, with no client hop.
        var body = new RankBody(TestArtifact.User(2), s_behaviours, AllItemsReversed(), 6, "fit-test-1");
        var expected = ReferenceRanking.Rank(fixture.FitDirectory, body);
        foreach (var silo in fixture.Cluster.Silos)
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HealthPort}/") };
            using var response = await http.RankAsync(body, TestContext.Current.CancellationToken);
            var reply = await response.ReadAsync<RankReply>(HttpStatusCode.OK, TestContext.Current.CancellationToken);
            ReferenceRanking.AssertSame(expected, reply);

            // The silo's HTTP limits are its Ranking limits: the same 400s as the gateway, per field.
            using var duplicate = await http.RankAsync(body with { Candidates = ["m1", "m1"] }, TestContext.Current.CancellationToken);
            var problem = await duplicate.ReadAsync<JsonElement>(HttpStatusCode.BadRequest, TestContext.Current.CancellationToken);
            Assert.Contains("Duplicate candidate ids: m1.", problem.GetRawText(), StringComparison.Ordinal);
            var tooMany = Enumerable.Range(0, ClusterProcesses.MaxCandidates + 1).Select(i => $"x{i}").ToArray();
            using var oversize = await http.RankAsync(body with { Candidates = tooMany }, TestContext.Current.CancellationToken);
            var limit = await oversize.ReadAsync<JsonElement>(HttpStatusCode.BadRequest, TestContext.Current.CancellationToken);
            Assert.Contains($"candidates exceed the limit of {ClusterProcesses.MaxCandidates}", limit.GetRawText(), StringComparison.Ordinal);
        }
    }

    private static string[] AllItemsReversed() => [.. Enumerable.Range(0, TestArtifact.ItemCount).Reverse().Select(TestArtifact.ItemKey)];
}
