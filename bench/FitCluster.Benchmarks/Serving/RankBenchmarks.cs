using BenchmarkDotNet.Attributes;
using FitCluster.Model;
using FitCluster.Model.Ranking;

namespace FitCluster.Benchmarks.Serving;

/// <summary>In-process rank of 2,000 candidates (user tower + late interaction + top-10), FIT and Two-Tower.</summary>
[MemoryDiagnoser]
public class RankBenchmarks
{
    private Ranker _ranker = null!;
    private RankQuery _query = null!;

    [Params("fit", "two-tower")]
    public string Model { get; set; } = "fit";

    [Params(UserTowerImplementation.Native, UserTowerImplementation.Onnx)]
    public UserTowerImplementation Tower { get; set; }

    [Params(2000)]
    public int Candidates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ranker = Ranker.Load(BenchArtifacts.PathOf(Model), new InferenceOptions { UserTower = Tower });
        _query = BenchArtifacts.Request(_ranker.Artifact, Candidates, seed: 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _ranker.Dispose();

    [Benchmark]
    public RankOutcome Rank() => _ranker.Rank(_query);
}
