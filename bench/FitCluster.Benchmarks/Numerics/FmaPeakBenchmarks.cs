using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace FitCluster.Benchmarks.Numerics;

/// <summary>
/// The single-core FMA ceiling that <see cref="GemmBenchmarks"/> is measured against: twelve independent
/// Vector256 FMA chains with no memory traffic. Reported as GFLOP/s through the shape 1 x Iterations x 96
/// (12 chains x 8 lanes per iteration).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class FmaPeakBenchmarks
{
    private const int Iterations = 100_000;
    private Vector256<float> _x = Vector256.Create(0.999f);
    private Vector256<float> _y = Vector256.Create(1e-3f);

    public static IEnumerable<GemmShape> Shapes => [new(1, Iterations, 12 * Vector256<float>.Count)];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; }

    [Benchmark]
    public float FmaChains()
    {
        if (!Fma.IsSupported)
        {
            return 0f;
        }

        var x = _x;
        var y = _y;
        Vector256<float> s0 = y, s1 = y, s2 = y, s3 = y, s4 = y, s5 = y;
        Vector256<float> s6 = y, s7 = y, s8 = y, s9 = y, s10 = y, s11 = y;
        for (var i = 0; i < Shape.Inner; i++)
        {
            s0 = Fma.MultiplyAdd(s0, x, y);
            s1 = Fma.MultiplyAdd(s1, x, y);
            s2 = Fma.MultiplyAdd(s2, x, y);
            s3 = Fma.MultiplyAdd(s3, x, y);
            s4 = Fma.MultiplyAdd(s4, x, y);
            s5 = Fma.MultiplyAdd(s5, x, y);
            s6 = Fma.MultiplyAdd(s6, x, y);
            s7 = Fma.MultiplyAdd(s7, x, y);
            s8 = Fma.MultiplyAdd(s8, x, y);
            s9 = Fma.MultiplyAdd(s9, x, y);
            s10 = Fma.MultiplyAdd(s10, x, y);
            s11 = Fma.MultiplyAdd(s11, x, y);
        }

        var sum = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + ((s8 + s9) + (s10 + s11));
        return Vector256.Sum(sum);
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new GflopsColumn());
    }
}
