using BenchmarkDotNet.Attributes;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;

namespace FitCluster.Benchmarks.Serving;

/// <summary>
/// Item table load (every row as one shard: read + validate + id index) and a whole artifact load with SHA-256 checks
/// (metadata, weights and the item table's index: no rows).
/// </summary>
[MemoryDiagnoser]
public class ItemTableLoadBenchmarks
{
    private string _directory = null!;

    [Params("fit", "fit-f16", "two-tower")]
    public string Model { get; set; } = "fit";

    [GlobalSetup]
    public void Setup() => _directory = BenchArtifacts.PathOf(Model);

    [Benchmark]
    public ItemShard ReadItemTable() => ItemTableFile.Open(Path.Combine(_directory, "item_table.bin")).ReadShard(0, 1);

    [Benchmark]
    public ModelArtifact LoadArtifact() => ModelArtifact.Load(_directory);
}
