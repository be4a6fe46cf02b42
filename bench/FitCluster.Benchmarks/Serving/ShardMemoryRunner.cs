using System.Diagnostics;
using System.Globalization;
using System.Text;
using FitCluster.Model.Catalog;

namespace FitCluster.Benchmarks.Serving;

/// <summary>
/// <c>shards --items N [--shards 1,2,3,4] [--out FILE]</c>: writes a synthetic FIT item table (float32, H_v = 2, p = 64,
/// N = 64; ids <c>item-&lt;i&gt;</c>) with <see cref="ItemTableWriter"/> into a temporary folder, then reads it as S shards
/// for each S and reports, per S, the largest shard's rows, its managed heap growth (GC.GetTotalMemory after a full
/// collection, before and after reading it), its own count of resident bytes, and the read time: what one silo holding
/// one shard holds. The table is deleted afterwards.
/// </summary>
public static class ShardMemoryRunner
{
    /// <summary>Runs the measurement; writes a Markdown table to stdout and to <c>--out FILE</c> when given.</summary>
    public static int Run(string[] args)
    {
        var items = LatencyRunner.Option(args, "--items", 500_000);
        var shardCounts = (args.SkipWhile(a => a != "--shards").Skip(1).FirstOrDefault() ?? "1,2,3,4")
            .Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
        var folder = Directory.CreateTempSubdirectory("fit-shard-memory-");
        try
        {
            var path = Path.Combine(folder.FullName, "item_table.bin");
            var write = Stopwatch.StartNew();
            WriteTable(path, items);
            var writeSeconds = write.Elapsed.TotalSeconds;
            var file = ItemTableFile.Open(path);
            var table = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"Synthetic FIT item table: {items:N0} items, float32, H_v = 2, p = 64, N = 64, {file.BucketCount:N0} buckets; {new FileInfo(path).Length / 1e6:F0} MB on disk, written in {writeSeconds:F1} s ({items / writeSeconds:N0} items/s) by ItemTableWriter.")
                .AppendLine()
                .AppendLine("| shards S | rows of the largest shard | heap growth reading it (MB) | its resident bytes (MB) | bytes per row | vs S = 1 | read time (s) |")
                .AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            double? whole = null;
            foreach (var s in shardCounts)
            {
                var (rows, growth, resident, seconds) = Measure(file, s);
                whole ??= growth;
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"| {s} | {rows:N0} | {growth / 1e6:F1} | {resident / 1e6:F1} | {(double)growth / rows:F0} | {growth / whole.Value:P0} | {seconds:F2} |");
            }

            Console.Write(table);
            if (output is not null)
            {
                File.WriteAllText(output, table.ToString());
            }

            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // In its own frame, so that the shard is unreachable once it returns (a loop local may stay live across iterations).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (int Rows, long Growth, long Resident, double Seconds) Measure(ItemTableFile file, int shards)
    {
        var largest = Enumerable.Range(0, shards).MaxBy(i => file.RowsInShard(i, shards));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var read = Stopwatch.StartNew();
        var shard = file.ReadShard(largest, shards);
        var seconds = read.Elapsed.TotalSeconds;
        var growth = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(shard);
        return (shard.Count, growth, shard.ResidentBytes, seconds);
    }

    private static void WriteTable(string path, int items)
    {
        var random = new Random(1);
        var heads = new float[2 * 64];
        using var writer = new ItemTableWriter(path, 2, 64, 64, half: false);
        for (var i = 0; i < items; i++)
        {
            for (var h = 0; h < heads.Length; h++)
            {
                heads[h] = (float)(random.NextDouble() - 0.5);
            }

            writer.Add(string.Create(CultureInfo.InvariantCulture, $"item-{i}"), i + 1, (ushort)random.Next(64), heads);
        }

        writer.Complete();
    }
}
