using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// A corrupt version copied into a running cluster's artifact root: activating it is refused with the same 409 body and
/// reason at the gateway and at every silo's own API (whether or not that silo hosts the catalog), requests pinned to it
/// get that 409, it is listed as refused; once the folder is repaired it is served — no restart.
/// </summary>
[Collection(ClusterGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ArtifactRefusalTests(ClusterFixture fixture)
{
    private const string Broken = "fit-broken-1";

    [Fact]
    public async Task CorruptVersion_RefusedAlikeAtEveryDoor_ServedOnceRepaired()
    {
        var cluster = fixture.Cluster;
        var cancellationToken = TestContext.Current.CancellationToken;
        var folder = Path.Combine(fixture.ArtifactRoot, "broken");
        TestArtifact.WriteFit(folder, seed: 13, version: Broken, createdUtc: "2026-12-04T00:00:00Z");
        var weights = Path.Combine(folder, "weights.bin");
        var original = await File.ReadAllBytesAsync(weights, cancellationToken);
        var corrupt = (byte[])original.Clone();
        corrupt[300] ^= 0x08; // same size: only the checksum tells
        await File.WriteAllBytesAsync(weights, corrupt, cancellationToken);
        var doors = new List<(string Name, HttpClient Http)> { ("gateway", cluster.Http) };
        doors.AddRange(cluster.Silos.Select(s => ($"silo {s.Number}", cluster.SiloHttp(s.Number))));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken); // every silo's next scan sees the new folder
            foreach (var (name, http) in doors)
            {
                using var response = await ActivateAsync(http, Broken, cancellationToken);
                var problem = await response.ReadAsync<ProblemReply>(HttpStatusCode.Conflict, cancellationToken);
                Assert.True(problem.Code == "model_refused", $"{name}: code {problem.Code}");
                Assert.Contains("weights.bin", problem.Detail, StringComparison.Ordinal);
                Assert.Contains("SHA-256", problem.Detail, StringComparison.Ordinal);
            }

            var catalog = await ModelsAsync(cluster.Http, cancellationToken);
            Assert.Equal(ClusterProcesses.DefaultModelVersion, catalog.ActiveVersion);
            Assert.DoesNotContain(catalog.Versions, v => v.ModelVersion == Broken);
            var refused = Assert.Single(catalog.Refused ?? [], r => r.ModelVersion == Broken);
            Assert.Equal("broken", refused.Folder);

            var pinned = Body(Broken);
            using (var response = await cluster.Http.RankAsync(pinned, cancellationToken))
            {
                var problem = await response.ReadAsync<ProblemReply>(HttpStatusCode.Conflict, cancellationToken);
                Assert.Equal("model_refused", problem.Code);
            }

            // The operator repairs the folder: each silo looks again because its files changed.
            await File.WriteAllBytesAsync(weights, original, cancellationToken);
            File.SetLastWriteTimeUtc(weights, DateTime.UtcNow.AddSeconds(2));
            var watch = Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
                using var response = await cluster.Http.RankAsync(pinned, cancellationToken);
                status = response.StatusCode;
            }
            while (status != HttpStatusCode.OK && watch.Elapsed < TimeSpan.FromSeconds(20));

            Assert.Equal(HttpStatusCode.OK, status);
            var repaired = await ModelsAsync(cluster.Http, cancellationToken);
            Assert.Contains(repaired.Versions, v => v.ModelVersion == Broken);
            Assert.DoesNotContain(repaired.Refused ?? [], r => r.ModelVersion == Broken);
            Assert.Equal(ClusterProcesses.DefaultModelVersion, repaired.ActiveVersion);
        }
        finally
        {
            foreach (var (_, http) in doors.Skip(1))
            {
                http.Dispose();
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Format1Artifact_RefusedNamingUpgrade_ServedOnceUpgraded()
    {
        const string Old = "fit-format1-1";
        var cluster = fixture.Cluster;
        var cancellationToken = TestContext.Current.CancellationToken;
        var folder = Path.Combine(fixture.ArtifactRoot, "old-format");
        var backup = Path.Combine(fixture.ArtifactRoot, ".old-format.format1");
        TestArtifact.WriteFitFormat1(folder, seed: 17, version: Old, createdUtc: "2026-12-03T00:00:00Z");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken); // every silo's next scan sees the new folder
            var catalog = await ModelsAsync(cluster.Http, cancellationToken);
            var refused = Assert.Single(catalog.Refused ?? [], r => r.Folder == "old-format");
            Assert.Contains("format version 1", refused.Reason, StringComparison.Ordinal);
            Assert.Contains("./fit upgrade DIR", refused.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(catalog.Versions, v => v.ModelVersion == Old);

            // What `./fit upgrade` does: convert beside it (a .partial folder is never a version), then swap.
            FitCluster.Model.Artifacts.ArtifactUpgrade.Convert(folder, folder + ".partial");
            Directory.Move(folder, backup);
            Directory.Move(folder + ".partial", folder);
            var watch = Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
                using var response = await cluster.Http.RankAsync(Body(Old), cancellationToken);
                status = response.StatusCode;
            }
            while (status != HttpStatusCode.OK && watch.Elapsed < TimeSpan.FromSeconds(20));

            Assert.Equal(HttpStatusCode.OK, status);
            var upgraded = await ModelsAsync(cluster.Http, cancellationToken);
            Assert.Contains(upgraded.Versions, v => v.ModelVersion == Old);
            Assert.DoesNotContain(upgraded.Refused ?? [], r => r.Folder == "old-format");
        }
        finally
        {
            foreach (var path in new[] { folder, backup, folder + ".partial" })
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
        }
    }

    private static RankBody Body(string version) =>
        new(TestArtifact.User(1), ["m2", "m3"], [.. Enumerable.Range(0, 10).Select(TestArtifact.ItemKey)], 3, version);

    private static async Task<HttpResponseMessage> ActivateAsync(HttpClient http, string version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"v1/models/{version}/activate", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task<ModelsReply> ModelsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("v1/models", UriKind.Relative), cancellationToken);
        return await response.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken);
    }
}
