using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// Where a cluster's item shards are, as its silos' logs tell it: a shard is on the silo that last logged reading its
/// rows (<c>ModelStore</c>'s "Shard {Shard} of model {ModelVersion} read its {ItemCount} items", once per activation; a
/// shard that migrates is read again by its new silo), and when placement last changed (a shard read, or the
/// rebalancer's "item shards move from this silo"). The benchmark measures a configuration once placement has settled:
/// every shard held, spread evenly (⌊S/n⌋ or ⌈S/n⌉ per silo, the placement's contract), and quiet for a while.
/// </summary>
/// <remarks>Thread-safe: silos' output arrives on their own threads.</remarks>
/// <param name="silos">Silos of the cluster, numbered 0..silos−1 in <see cref="Observe"/>.</param>
/// <param name="shardCount">Shards of the served version (<c>Ranking:ShardCount</c>).</param>
/// <param name="modelVersion">The served version; lines about other versions are ignored.</param>
public sealed partial class ShardPlacementLog(int silos, int shardCount, string modelVersion)
{
    private readonly Lock _gate = new();
    private readonly int[] _holder = Enumerable.Repeat(-1, shardCount).ToArray();
    private readonly long[] _rows = new long[shardCount];
    private long _lastChange = Stopwatch.GetTimestamp();
    private int _reads;

    /// <summary>Silos of the cluster.</summary>
    public int Silos { get; } = silos;

    /// <summary>Shards of the served version.</summary>
    public int ShardCount { get; } = shardCount;

    /// <summary>Shard activations seen (a shard read by its silo), migrations included.</summary>
    public int Reads
    {
        get
        {
            lock (_gate)
            {
                return _reads;
            }
        }
    }

    /// <summary>Takes one output line of silo <paramref name="silo"/> (0-based), seen at <paramref name="timestamp"/> (<see cref="Stopwatch"/> ticks).</summary>
    public void Observe(int silo, string line, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentOutOfRangeException.ThrowIfNegative(silo);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(silo, Silos);
        if (ShardRead().Match(line) is { Success: true } read)
        {
            if (read.Groups["version"].Value != modelVersion
                || !int.TryParse(read.Groups["shard"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var shard) || shard >= ShardCount
                || !long.TryParse(read.Groups["items"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var items))
            {
                return;
            }

            lock (_gate)
            {
                _holder[shard] = silo;
                _rows[shard] = items;
                _reads++;
                _lastChange = Math.Max(_lastChange, timestamp);
            }
        }
        else if (line.Contains(ShardsMoveText, StringComparison.Ordinal))
        {
            lock (_gate)
            {
                _lastChange = Math.Max(_lastChange, timestamp);
            }
        }
    }

    /// <summary>Text of the rebalancer's line when shards leave a silo (<c>ItemShardRebalancer</c>, event 2400).</summary>
    public const string ShardsMoveText = "item shards move from this silo";

    /// <summary>Shards each silo holds now (index: silo).</summary>
    public int[] ShardsPerSilo()
    {
        var counts = new int[Silos];
        lock (_gate)
        {
            foreach (var silo in _holder)
            {
                if (silo >= 0)
                {
                    counts[silo]++;
                }
            }
        }

        return counts;
    }

    /// <summary>Items of every shard together, each shard counted once with its last read's row count: the catalog size when every item is held.</summary>
    public long ItemsHeld()
    {
        lock (_gate)
        {
            long total = 0;
            for (var s = 0; s < ShardCount; s++)
            {
                total += _holder[s] >= 0 ? _rows[s] : 0;
            }

            return total;
        }
    }

    /// <summary>Every shard is held and every silo holds ⌊S/n⌋ or ⌈S/n⌉ of them.</summary>
    public bool Balanced()
    {
        lock (_gate)
        {
            if (_holder.Any(h => h < 0))
            {
                return false;
            }
        }

        var floor = ShardCount / Silos;
        var ceiling = floor + (ShardCount % Silos == 0 ? 0 : 1);
        return ShardsPerSilo().All(c => c >= floor && c <= ceiling);
    }

    /// <summary>How long before <paramref name="now"/> placement last changed (or the log was made).</summary>
    public TimeSpan QuietFor(long now)
    {
        lock (_gate)
        {
            return Stopwatch.GetElapsedTime(_lastChange, now);
        }
    }

    /// <summary>Shards per silo as <c>2/2/2</c>.</summary>
    public string Describe() => string.Join('/', ShardsPerSilo());

    [GeneratedRegex(@"Shard (?<shard>\d+) of model (?<version>\S+) read its (?<items>\d+) items", RegexOptions.CultureInvariant)]
    private static partial Regex ShardRead();
}
