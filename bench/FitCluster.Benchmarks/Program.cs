using BenchmarkDotNet.Running;
using FitCluster.Benchmarks.Cluster;
using FitCluster.Benchmarks.Serving;

namespace FitCluster.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet benchmarks (pick with <c>--filter</c>, e.g. <c>--job short --filter *Gemm*</c>), or
/// <c>latency [--candidates N] [--requests N] [--rate R] [--out FILE]</c> for HdrHistogram percentiles of an in-process rank,
/// or <c>gpu --artifact DIR [--requests N] [--out FILE]</c>: LSS parity and latency, CPU vs CUDA (bench/gpu-check.sh),
/// <c>shards --items N [--shards 1,2,3,4] [--out FILE]</c>: memory of one shard of a synthetic catalog per shard count,
/// or <c>placement [--out FILE]</c>: how evenly item shards spread over silos and what moves on a join or leave.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "latency")
        {
            return LatencyRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "placement")
        {
            return PlacementReport.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "shards")
        {
            return ShardMemoryRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "gpu")
        {
            return GpuCheckRunner.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
