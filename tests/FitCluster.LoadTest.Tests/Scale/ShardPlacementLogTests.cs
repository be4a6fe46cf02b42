using System.Diagnostics;
using FitCluster.LoadTest.Scale;

namespace FitCluster.LoadTest.Tests.Scale;

public sealed class ShardPlacementLogTests
{
    private const string Version = "fit-v1-scale1000-fp32-s1";

    [Fact]
    public void Observe_ShardIsOnTheSiloThatReadItLast_RowsCountedOncePerShard()
    {
        var log = new ShardPlacementLog(silos: 3, shardCount: 4, Version);

        log.Observe(0, Read(0, 100), 1);
        log.Observe(0, Read(1, 200), 2);
        log.Observe(1, Read(2, 300), 3);
        log.Observe(0, Read(3, 400), 4);
        log.Observe(2, Read(1, 200), 5); // shard 1 migrated from silo 0 to silo 2: read again there

        Assert.Equal([2, 1, 1], log.ShardsPerSilo());
        Assert.Equal("2/1/1", log.Describe());
        Assert.Equal(1000, log.ItemsHeld()); // 100 + 200 + 300 + 400: the migrated shard is not counted twice
        Assert.Equal(5, log.Reads);
    }

    [Fact]
    public void Observe_TimestampedConsoleLine_Parsed()
    {
        var log = new ShardPlacementLog(silos: 2, shardCount: 2, Version);

        // The silo's simple console formatter with a timestamp prints the category line, then the indented message.
        log.Observe(1, "08:42:13.517 info: FitCluster.Grains.ModelStore[2007]", 1);
        log.Observe(1, $"      Shard 1 of model {Version} read its 166699 items (90761898 bytes) in 2303 ms", 2);

        Assert.Equal([0, 1], log.ShardsPerSilo());
        Assert.Equal(166_699, log.ItemsHeld());
    }

    [Fact]
    public void Observe_OtherVersionsAndShardsOutsideTheLayout_Ignored()
    {
        var log = new ShardPlacementLog(silos: 2, shardCount: 2, Version);

        log.Observe(0, $"Shard 0 of model {Version}-other read its 10 items (1 bytes) in 1 ms", 1);
        log.Observe(0, $"Shard 2 of model {Version} read its 10 items (1 bytes) in 1 ms", 2);
        log.Observe(0, "Shard x of model read its items", 3);

        Assert.Equal([0, 0], log.ShardsPerSilo());
        Assert.Equal(0, log.ItemsHeld());
        Assert.Equal(0, log.Reads);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 0, 1, 2 }, true)]  // 2/2/2
    [InlineData(new[] { 0, 0, 0, 1, 1, 1 }, false)] // 3/3/0: the third silo holds nothing
    [InlineData(new[] { 0, 0, 1, 1, 2, 2 }, true)]
    [InlineData(new[] { 0, 0, 0, 1, 1, 2 }, false)] // 3/2/1
    public void Balanced_EachSiloHoldsFloorOrCeilingOfShardsPerSilo(int[] holders, bool expected)
    {
        var log = new ShardPlacementLog(silos: 3, shardCount: 6, Version);
        for (var shard = 0; shard < holders.Length; shard++)
        {
            log.Observe(holders[shard], Read(shard, 10), shard);
        }

        Assert.Equal(expected, log.Balanced());
    }

    [Fact]
    public void Balanced_ShardCountNotAMultipleOfSilos_OneMoreAllowed_UnheldShardIsNot()
    {
        var log = new ShardPlacementLog(silos: 2, shardCount: 5, Version);
        log.Observe(0, Read(0, 1), 1);
        log.Observe(0, Read(1, 1), 2);
        log.Observe(1, Read(2, 1), 3);
        log.Observe(1, Read(3, 1), 4);

        Assert.False(log.Balanced()); // shard 4 is held nowhere yet

        log.Observe(0, Read(4, 1), 5);

        Assert.True(log.Balanced()); // 3/2
    }

    [Fact]
    public void QuietFor_CountsFromTheLastShardReadOrMove_NotOtherLines()
    {
        var log = new ShardPlacementLog(silos: 2, shardCount: 2, Version);
        var t0 = Stopwatch.GetTimestamp();
        var second = Stopwatch.Frequency;

        log.Observe(0, Read(0, 1), t0 + (2 * second));
        log.Observe(1, "      The cluster changed (2 active silos): 1 item shards move from this silo, 0 stay", t0 + (5 * second));
        log.Observe(1, "info: something else entirely", t0 + (9 * second));

        Assert.Equal(4.0, log.QuietFor(t0 + (9 * second)).TotalSeconds, 3);
    }

    [Fact]
    public void Observe_SiloOutsideTheCluster_Throws()
    {
        var log = new ShardPlacementLog(silos: 2, shardCount: 2, Version);

        Assert.Throws<ArgumentOutOfRangeException>(() => log.Observe(2, Read(0, 1), 1));
    }

    private static string Read(int shard, long items) => $"      Shard {shard} of model {Version} read its {items} items ({items * 540} bytes) in 12 ms";
}
