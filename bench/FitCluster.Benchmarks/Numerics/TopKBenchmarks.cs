using BenchmarkDotNet.Attributes;
using FitCluster.Model.Numerics;

namespace FitCluster.Benchmarks.Numerics;

/// <summary><see cref="TopK.Select"/> (bounded heap) against the sort-everything reference on one shard's scores.</summary>
[MemoryDiagnoser]
public class TopKBenchmarks
{
    private const int ScoreCount = 2000;
    private float[] _scores = [];
    private ScoredIndex[] _best = [];

    [Params(10, 100)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        _scores = new float[ScoreCount];
        for (var i = 0; i < _scores.Length; i++)
        {
            _scores[i] = random.NextSingle();
        }

        _best = new ScoredIndex[K];
    }

    [Benchmark]
    public int Select() => TopK.Select(_scores, _best);

    [Benchmark(Baseline = true)]
    public int SelectReference() => TopK.SelectReference(_scores, _best);
}
