using FitCluster.Grains.Interfaces;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Tests;
using Orleans.TestingHost;

namespace FitCluster.Grains.Tests;

/// <summary>
/// A cluster whose catalog has no version stored and none configured: it activates the newest servable version once, at
/// first start, and stores it; folders copied in later (newer, or unfinished) never become active by themselves.
/// </summary>
public sealed class CatalogFirstStartTests
{
    [Fact]
    public async Task NewerFolderCopiedInLater_IsListedButNeverActivatedByItself()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var root = new TempDirectory();
        TestArtifact.WriteFit(root.Combine("v1"), version: "fit-v1", createdUtc: "2026-12-01T00:00:00Z");
        var cluster = await TestClusters.DeployAsync<MemoryStorageSilo>(1, root.Path, new Dictionary<string, string> {  }, cancellationToken);
        try
        {
            var catalog = cluster.GrainFactory.GetGrain<IModelCatalogGrain>(RankingServiceCollectionExtensions.CatalogKey);
            Assert.Equal("fit-v1", (await catalog.GetAsync(cancellationToken)).ActiveVersion);

            // A newer version arrives: first unfinished (no seal yet), then complete.
            TestArtifact.WriteFit(root.Combine("v2"), seed: 3, version: "fit-v2", createdUtc: "2026-12-05T00:00:00Z");
            File.Move(root.Combine("v2", ArtifactSeal.FileName), root.Combine("SEALED.later"));
            await Task.Delay(ModelStore.ScanInterval * 2, cancellationToken);
            var midCopy = await catalog.GetAsync(cancellationToken);
            Assert.Equal(["fit-v1"], midCopy.Versions.Select(v => v.ModelVersion));

            File.Move(root.Combine("SEALED.later"), root.Combine("v2", ArtifactSeal.FileName));
            await Task.Delay(ModelStore.ScanInterval * 2, cancellationToken);
            var after = await catalog.GetAsync(cancellationToken);

            Assert.Equal(["fit-v2", "fit-v1"], after.Versions.Select(v => v.ModelVersion));
            Assert.Equal("fit-v1", after.ActiveVersion);
            var activated = await catalog.ActivateAsync("fit-v2", cancellationToken);
            Assert.Equal("fit-v2", activated.Catalog?.ActiveVersion);
        }
        finally
        {
            await TestClusters.StopAsync(cluster);
        }
    }
}
