using FitCluster.Grains;
using FitCluster.Silo;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace FitCluster.Client.Tests;

public sealed class FileGrainStorageTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fitcluster-state-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(CatalogState).Assembly)).BuildServiceProvider();

    [Fact]
    public async Task Write_ThenReadByANewInstance_ReturnsTheState()
    {
        var catalog = GrainId.Create("modelcatalog", "default");
        var other = GrainId.Create("modelcatalog", "other");
        var written = new GrainState<CatalogState>(new CatalogState { ActiveVersion = "fit-v2" });
        await Storage().WriteStateAsync("catalog", catalog, written);
        await Storage().WriteStateAsync("catalog", other, new GrainState<CatalogState>(new CatalogState { ActiveVersion = "fit-v9" }));

        var read = new GrainState<CatalogState>(new CatalogState());
        await Storage().ReadStateAsync("catalog", catalog, read); // a restarted silo: a new storage over the same folder

        Assert.True(read.RecordExists);
        Assert.Equal("fit-v2", read.State!.ActiveVersion);
        Assert.Equal(written.ETag, read.ETag);
        Assert.DoesNotContain(Directory.EnumerateFiles(_directory), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Equal(2, Directory.EnumerateFiles(_directory, "*.state").Count());
    }

    [Fact]
    public async Task Write_WithAStaleETag_FailsAndKeepsTheNewerState()
    {
        var grain = GrainId.Create("modelcatalog", "default");
        var first = new GrainState<CatalogState>(new CatalogState { ActiveVersion = "a" });
        await Storage().WriteStateAsync("catalog", grain, first);
        var stale = new GrainState<CatalogState>(new CatalogState { ActiveVersion = "b" }) { ETag = first.ETag };
        var second = new GrainState<CatalogState>(new CatalogState());
        await Storage().ReadStateAsync("catalog", grain, second);
        second.State!.ActiveVersion = "c";
        await Storage().WriteStateAsync("catalog", grain, second);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync("catalog", grain, stale));

        var read = new GrainState<CatalogState>(new CatalogState());
        await Storage().ReadStateAsync("catalog", grain, read);
        Assert.Equal("c", read.State!.ActiveVersion);
    }

    [Fact]
    public async Task Read_Missing_ReportsNoRecord_ClearRemovesIt()
    {
        var grain = GrainId.Create("modelcatalog", "default");
        var state = new GrainState<CatalogState>(new CatalogState());
        await Storage().ReadStateAsync("catalog", grain, state);
        Assert.False(state.RecordExists);

        state.State!.ActiveVersion = "x";
        await Storage().WriteStateAsync("catalog", grain, state);
        await Storage().ClearStateAsync("catalog", grain, state);

        var read = new GrainState<CatalogState>(new CatalogState());
        await Storage().ReadStateAsync("catalog", grain, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.State!.ActiveVersion);
    }

    [Fact]
    public void Probe_UnwritableFolder_SaysWhy()
    {
        var file = Path.Combine(Path.GetTempPath(), "fitcluster-not-a-folder-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "x");
        try
        {
            Assert.Null(FileGrainStorage.Probe(_directory));
            Assert.NotNull(FileGrainStorage.Probe(Path.Combine(file, "state"))); // a path under a file cannot be created
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        _services.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private FileGrainStorage Storage() => new(_directory, new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()));
}
