using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FitCluster.Model.Numerics;

namespace FitCluster.Benchmarks.Numerics;

/// <summary>
/// <see cref="Gemm.MultiplyAdd"/> (AVX2/FMA micro-kernel) against the TensorPrimitives fallback and the scalar
/// reference, on the serving shapes. Each call accumulates into the same c; values grow linearly, which does not
/// change the cost of a float FMA.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    public static IEnumerable<GemmShape> Shapes =>
    [
        new(50, 32, 4096),
        new(3200, 64, 16),
        new(64, 300, 300),
        new(64, 300, 128),
        new(64, 128, 128),
        new(1, 80, 300),
        new(64, 32, 300),
    ];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _a = Fill(random, Shape.Rows * Shape.Inner);
        _b = Fill(random, Shape.Inner * Shape.Columns);
        _c = Fill(random, Shape.Rows * Shape.Columns);
    }

    [Benchmark]
    public void MultiplyAdd() => Gemm.MultiplyAdd(_a, Shape.Rows, Shape.Inner, _b, Shape.Columns, _c);

    [Benchmark]
    public void MultiplyAddPortable() =>
        Gemm.MultiplyAddPortable(_a, Shape.Rows, Shape.Inner, _b, Shape.Columns, _c);

    [Benchmark(Baseline = true)]
    public void MultiplyAddReference() =>
        Gemm.MultiplyAddReference(_a, Shape.Rows, Shape.Inner, _b, Shape.Columns, _c);

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() * 2f) - 1f;
        }

        return values;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new GflopsColumn());
    }
}
