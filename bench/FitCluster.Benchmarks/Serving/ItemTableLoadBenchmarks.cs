using BenchmarkDotNet.Attributes;
using FitCluster.Model.Artifacts;

namespace FitCluster.Benchmarks.Serving;

/// <summary>Item table load (read + validate) and a whole artifact load with SHA-256 checks.</summary>
[MemoryDiagnoser]
public class ItemTableLoadBenchmarks
{
    private string _directory = null!;

    [Params("fit", "fit-f16", "two-tower")]
    public string Model { get; set; } = "fit";

    [GlobalSetup]
    public void Setup() => _directory = BenchArtifacts.PathOf(Model);

    [Benchmark]
    public ItemTable ReadItemTable() => ItemTable.Read(Path.Combine(_directory, "item_table.bin"));

    [Benchmark]
    public ModelArtifact LoadArtifact() => ModelArtifact.Load(_directory);
}
