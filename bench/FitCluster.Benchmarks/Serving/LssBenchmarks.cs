using BenchmarkDotNet.Attributes;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using FitCluster.Model.Scoring;

namespace FitCluster.Benchmarks.Serving;

/// <summary>LSS per candidate (reported per candidate over a batch of 2,000), float32 and float16 item tables.</summary>
[MemoryDiagnoser]
public class LssBenchmarks
{
    private const int Batch = 2000;
    private ICandidateScorer _scorer = null!;
    private ItemTable _items = null!;
    private float[] _userHeads = null!;
    private int[] _rows = null!;
    private float[] _scores = null!;

    [Params("fit", "fit-f16", "two-tower")]
    public string Model { get; set; } = "fit";

    [GlobalSetup]
    public void Setup()
    {
        using var ranker = Ranker.Load(BenchArtifacts.PathOf(Model));
        _scorer = ranker.Scorer;
        _items = ranker.Shards[0].Items;
        var query = BenchArtifacts.Request(ranker.Artifact, Batch, seed: 3);
        _userHeads = ranker.ComputeUserHeads(ranker.ResolveUser(query.UserFeatures, query.Behaviours));
        _rows = query.Candidates.Select(ranker.Shards[0].Find).ToArray();
        _scores = new float[_rows.Length];
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public float[] ScorePerCandidate()
    {
        _scorer.Score(_userHeads, _items, _rows, _scores);
        return _scores;
    }
}
