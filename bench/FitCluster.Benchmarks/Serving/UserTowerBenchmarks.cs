using BenchmarkDotNet.Attributes;
using FitCluster.Model;
using FitCluster.Model.Ranking;

namespace FitCluster.Benchmarks.Serving;

/// <summary>FIT's user tower for one request, all N = 64 branches, a full 50-behaviour history: C# vs ONNX Runtime.</summary>
[MemoryDiagnoser]
public class UserTowerBenchmarks
{
    private Ranker _ranker = null!;
    private ResolvedUser _user = null!;
    private float[] _heads = null!;

    [Params(UserTowerImplementation.Native, UserTowerImplementation.Onnx)]
    public UserTowerImplementation Tower { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ranker = Ranker.Load(BenchArtifacts.PathOf("fit"), new InferenceOptions { UserTower = Tower, IntraOpThreads = Threads });
        var query = BenchArtifacts.Request(_ranker.Artifact, 10, seed: 2);
        _user = _ranker.ResolveUser(query.UserFeatures, query.Behaviours);
        _heads = new float[_ranker.UserTower.BranchCount * _ranker.UserTower.HeadSize];
    }

    [GlobalCleanup]
    public void Cleanup() => _ranker.Dispose();

    [Benchmark]
    public float[] UserTower()
    {
        _ranker.UserTower.Compute(_user.Fields, _user.Behaviours, _heads);
        return _heads;
    }
}
