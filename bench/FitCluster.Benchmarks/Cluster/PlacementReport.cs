using System.Globalization;
using System.Text;
using FitCluster.Grains.Placement;

namespace FitCluster.Benchmarks.Cluster;

/// <summary>
/// <c>placement [--out FILE]</c>: how evenly <see cref="ShardAssignment"/> spreads a version's shards over 1..8 silos, and
/// how many shards move when one silo leaves or joins, beside pure rendezvous hashing (each shard on its heaviest silo)
/// and a modulo over sorted silos. Counts, not timings: the same on any machine.
/// </summary>
public static class PlacementReport
{
    private static readonly string[] s_versions = ["fit-ml-1m-1", "fit-ml-1m-2", "two-tower-ml-1m-1", "fit-test-1"];

    /// <summary>Computes the table and writes it to stdout and to <c>--out FILE</c> when given.</summary>
    public static int Run(string[] args)
    {
        var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
        var text = new StringBuilder()
            .AppendLine("Shards of one model version over n silos, averaged over 4 version names; a leave is averaged over every silo leaving in turn,")
            .AppendLine("a join adds one new silo. \"Busiest\" is the most shards on one silo (the request's slowest silo does that much work);")
            .AppendLine("\"moved\" counts shards whose silo changes, \"needed\" those that must move (the leaver's, or the joiner's share).")
            .AppendLine()
            .AppendLine("| shards | silos | balanced: shards per silo | balanced: busiest / mean | rendezvous: busiest / mean | leave: needed | leave: balanced moved | leave: modulo moved | join: needed | join: balanced moved | join: modulo moved |")
            .AppendLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var shardCount in new[] { 12, 16, 24, 32 })
        {
            for (var n = 1; n <= 8; n++)
            {
                Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{shardCount} shards, {n} silos   "));
                text.AppendLine(Row(shardCount, n));
            }
        }

        Console.Error.WriteLine();
        Console.Write(text);
        if (output is not null)
        {
            File.WriteAllText(output, text.ToString());
        }

        return 0;
    }

    private static string Row(int shardCount, int n)
    {
        var silos = Enumerable.Range(1, n).Select(i => string.Create(CultureInfo.InvariantCulture, $"10.0.0.{i}:11111@1")).ToArray();
        var joiner = "10.0.0.99:11111@2";
        double busiest = 0, rendezvousBusiest = 0, leaveNeeded = 0, leaveMoved = 0, leaveModulo = 0, joinNeeded = 0, joinMoved = 0, joinModulo = 0;
        var (low, high) = (int.MaxValue, 0);
        foreach (var version in s_versions)
        {
            var before = Named(silos, ShardAssignment.Assign(silos, version, shardCount));
            var loads = silos.Select(s => before.Count(b => b == s)).ToArray();
            (low, high) = (Math.Min(low, loads.Min()), Math.Max(high, loads.Max()));
            busiest += loads.Max();
            rendezvousBusiest += silos.Select(s => Enumerable.Range(0, shardCount).Count(i => Heaviest(silos, version, i) == s)).Max();
            foreach (var leaver in n > 1 ? silos : [])
            {
                var rest = silos.Where(s => s != leaver).ToArray();
                var after = Named(rest, ShardAssignment.Assign(rest, version, shardCount));
                leaveNeeded += before.Count(s => s == leaver) / (double)n;
                leaveMoved += Moved(before, after) / (double)n;
                leaveModulo += Moved(Modulo(silos, shardCount), Modulo(rest, shardCount)) / (double)n;
            }

            string[] grown = [.. silos, joiner];
            var joined = Named(grown, ShardAssignment.Assign(grown, version, shardCount));
            joinNeeded += joined.Count(s => s == joiner);
            joinMoved += Moved(before, joined);
            joinModulo += Moved(Modulo(silos, shardCount), Modulo(grown, shardCount));
        }

        var v = (double)s_versions.Length;
        var mean = shardCount / (double)n;
        var leave = n > 1
            ? string.Create(CultureInfo.InvariantCulture, $"{leaveNeeded / v:F2} | {leaveMoved / v:F2} | {leaveModulo / v:F2}")
            : "– | – | –";
        return string.Create(CultureInfo.InvariantCulture,
            $"| {shardCount} | {n} | {(low == high ? $"{low}" : $"{low}–{high}")} | {busiest / v / mean:F2} | {rendezvousBusiest / v / mean:F2} | {leave} | {joinNeeded / v:F2} | {joinMoved / v:F2} | {joinModulo / v:F2} |");
    }

    private static string Heaviest(string[] silos, string version, int shard) =>
        silos.MaxBy(s => ShardAssignment.Weight(version, shard, s))!;

    private static string[] Modulo(string[] silos, int shardCount)
    {
        var sorted = silos.Order(StringComparer.Ordinal).ToArray();
        return [.. Enumerable.Range(0, shardCount).Select(i => sorted[i % sorted.Length])];
    }

    private static int Moved(string[] before, string[] after) => before.Zip(after).Count(p => p.First != p.Second);

    private static string[] Named(string[] silos, int[] assignment) => [.. assignment.Select(i => silos[i])];
}
