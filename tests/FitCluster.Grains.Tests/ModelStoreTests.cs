using FitCluster.Model.Artifacts;
using FitCluster.Model.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FitCluster.Grains.Tests;

public sealed class ModelStoreTests
{
    [Fact]
    public void UnsealedFolder_IsNeitherListedNorLoaded_UntilSealed()
    {
        using var root = new TempDirectory();
        TestArtifact.WriteFit(root.Combine("a"));
        File.Delete(root.Combine("a", ArtifactSeal.FileName)); // mid-copy: everything but the seal has arrived
        var (store, clock) = Store(root.Path);

        Assert.Empty(store.ListVersions());
        Assert.Empty(store.ListRefused());
        Assert.False(store.Exists("fit-test-1"));
        Assert.Throws<KeyNotFoundException>(() => store.Get("fit-test-1"));

        ModelArtifact.SealExisting(root.Combine("a"));
        Assert.Empty(store.ListVersions()); // the scan is reused within ScanInterval
        clock.Advance(ModelStore.ScanInterval);

        Assert.Equal(["fit-test-1"], store.ListVersions().Select(v => v.ModelVersion));
        Assert.Equal("fit-test-1", store.Get("fit-test-1").ModelVersion);
    }

    [Fact]
    public void CorruptFolder_IsRefusedWithItsReason_AndServedOnceRepaired()
    {
        using var root = new TempDirectory();
        TestArtifact.WriteFit(root.Combine("good"), version: "fit-good");
        TestArtifact.WriteFit(root.Combine("bad"), seed: 5, version: "fit-bad");
        var weights = root.Combine("bad", "weights.bin");
        var original = File.ReadAllBytes(weights);
        var corrupt = (byte[])original.Clone();
        corrupt[200] ^= 0x10; // same size: only the full check (SHA-256) can tell
        File.WriteAllBytes(weights, corrupt);
        var (store, clock) = Store(root.Path);

        Assert.Equal(["fit-bad", "fit-good"], store.ListVersions().Select(v => v.ModelVersion).Order());
        var first = Assert.Throws<ArtifactException>(() => store.Get("fit-bad"));
        Assert.Contains("SHA-256", first.Message, StringComparison.Ordinal);

        var refused = Assert.Single(store.ListRefused());
        Assert.Equal(("bad", "fit-bad"), (refused.Folder, refused.ModelVersion));
        Assert.Contains("bad/weights.bin", refused.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(root.Path, refused.Reason, StringComparison.Ordinal); // no server paths to unauthenticated readers
        Assert.Equal(["fit-good"], store.ListVersions().Select(v => v.ModelVersion));
        Assert.False(store.Exists("fit-bad"));
        clock.Advance(ModelStore.ScanInterval);
        Assert.Contains("is refused", Assert.Throws<ArtifactException>(() => store.Get("fit-bad")).Message, StringComparison.Ordinal);

        File.WriteAllBytes(weights, original); // the operator repairs the folder
        File.SetLastWriteTimeUtc(weights, DateTime.UtcNow.AddSeconds(5));
        clock.Advance(ModelStore.ScanInterval);

        Assert.Empty(store.ListRefused());
        Assert.Equal("fit-bad", store.Get("fit-bad").ModelVersion);
        Assert.Equal(["fit-bad", "fit-good"], store.ListVersions().Select(v => v.ModelVersion).Order());
    }

    [Fact]
    public void SealedButIncompleteCopy_IsRefusedCheaply_NeverListedAsServable()
    {
        using var root = new TempDirectory();
        TestArtifact.WriteFit(root.Combine("b"), version: "fit-b");
        var table = root.Combine("b", "item_table.bin");
        var bytes = File.ReadAllBytes(table);
        File.WriteAllBytes(table, bytes.AsSpan(0, bytes.Length / 3).ToArray()); // a copy that wrote the seal early
        var (store, clock) = Store(root.Path);

        Assert.Empty(store.ListVersions());
        var refused = Assert.Single(store.ListRefused());
        Assert.Contains("'item_table.bin' is", refused.Reason, StringComparison.Ordinal);

        File.WriteAllBytes(table, bytes);
        File.SetLastWriteTimeUtc(table, DateTime.UtcNow.AddSeconds(5));
        clock.Advance(ModelStore.ScanInterval);
        Assert.Equal(["fit-b"], store.ListVersions().Select(v => v.ModelVersion));
        Assert.Empty(store.ListRefused());
    }

    [Fact]
    public void GoldenMismatch_IsRefusedBeforeServing()
    {
        using var root = new TempDirectory();
        var folder = root.Combine("g");
        TestArtifact.WriteFit(folder, version: "fit-g");
        var manifest = ModelArtifact.Load(folder).Manifest;
        var goldenPath = Path.Combine(folder, "golden.json");
        var golden = GoldenSet.Read(goldenPath);
        var first = golden.Requests[0];
        var shifted = first with { Scores = [.. first.Scores.Select((s, i) => i == 3 ? s + 0.5f : s)] };
        File.WriteAllText(goldenPath, System.Text.Json.JsonSerializer.Serialize(golden with { Requests = [shifted, .. golden.Requests.Skip(1)] }, ArtifactJson.Options));
        ModelArtifact.Seal(folder, manifest); // consistently re-sealed: only re-scoring can tell
        var (store, _) = Store(root.Path);

        var error = Assert.Throws<ArtifactException>(() => store.Get("fit-g"));

        Assert.Contains("golden request 0", error.Message, StringComparison.Ordinal);
        Assert.Contains($"candidate '{first.Candidates[3]}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnloadIdle_UnloadsOnlyIdleVersionsOtherThanTheActive_AndGetLoadsThemAgain()
    {
        using var root = new TempDirectory();
        TestArtifact.WriteFit(root.Combine("a"), version: "fit-a");
        TestArtifact.WriteFit(root.Combine("b"), seed: 2, version: "fit-b");
        TestArtifact.WriteFit(root.Combine("c"), seed: 3, version: "fit-c");
        var (store, clock) = Store(root.Path, unloadAfter: TimeSpan.FromMinutes(10));
        var a = store.Get("fit-a");
        var b = store.Get("fit-b");
        var c = store.Get("fit-c");

        clock.Advance(TimeSpan.FromMinutes(6));
        store.Touch(c); // c's shards served a request on this silo
        Assert.Empty(store.UnloadIdle("fit-a"));

        clock.Advance(TimeSpan.FromMinutes(5)); // a and b idle 11 min, c 5 min
        Assert.Equal(["fit-b"], store.UnloadIdle("fit-a"));

        Assert.Equal(["fit-a", "fit-c"], store.LoadedVersions());
        Assert.True(store.Holds(a));
        Assert.False(store.Holds(b));
        Assert.True(store.Holds(c));
        var again = store.Get("fit-b");
        Assert.NotSame(b, again);
        Assert.True(store.Holds(again));
    }

    [Fact]
    public void UnloadIdle_Zero_NeverUnloads()
    {
        using var root = new TempDirectory();
        TestArtifact.WriteFit(root.Combine("a"), version: "fit-a");
        var (store, clock) = Store(root.Path, unloadAfter: TimeSpan.Zero);
        store.Get("fit-a");

        clock.Advance(TimeSpan.FromDays(1));

        Assert.Empty(store.UnloadIdle(null));
        Assert.Equal(["fit-a"], store.LoadedVersions());
    }

    [Fact]
    public void TakeShardTrim_OnceAfterABurstOfShardChangesHasBeenQuiet()
    {
        using var root = new TempDirectory();
        TestArtifact.WriteFit(root.Combine("a"), version: "fit-a");
        var (store, clock) = Store(root.Path);
        var quiet = TimeSpan.FromSeconds(10);
        Assert.False(store.TakeShardTrim(quiet)); // nothing loaded or freed yet

        var model = store.Get("fit-a");
        store.LoadShard(model, 0);
        clock.Advance(TimeSpan.FromSeconds(6));
        store.ReleaseShard("fit-a", 0); // the burst goes on
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.False(store.TakeShardTrim(quiet)); // 6 s since the last change
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.True(store.TakeShardTrim(quiet));
        Assert.False(store.TakeShardTrim(quiet)); // once per burst

        store.LoadShard(model, 1);
        clock.Advance(quiet);
        Assert.True(store.TakeShardTrim(quiet));
    }

    private static (ModelStore Store, ManualClock Clock) Store(string root, TimeSpan? unloadAfter = null)
    {
        var clock = new ManualClock();
        var options = Options.Create(new RankingOptions { ArtifactRoot = root, ShardCount = 2, UnloadAfter = unloadAfter ?? TimeSpan.FromMinutes(10) });
        return (new ModelStore(options, NullLogger<ModelStore>.Instance, clock), clock);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
