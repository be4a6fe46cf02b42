using System.Collections.Immutable;

namespace FitCluster.Grains.Interfaces;

/// <summary>What a client may want to know about one model version.</summary>
/// <param name="ModelVersion">Version id.</param>
/// <param name="ModelKind"><c>fit</c> or <c>two-tower</c>.</param>
/// <param name="Dataset">Training dataset.</param>
/// <param name="CreatedUtc">Export time.</param>
/// <param name="ItemCount">Items in its table.</param>
/// <param name="UserFeatures">Names of the user features a request must carry.</param>
/// <param name="Metrics">The training run's metrics.</param>
[GenerateSerializer, Immutable, Alias("fit.ModelVersionInfo")]
public sealed record ModelVersionInfo(
    string ModelVersion,
    string ModelKind,
    string Dataset,
    string CreatedUtc,
    int ItemCount,
    ImmutableArray<string> UserFeatures,
    ImmutableDictionary<string, double> Metrics);
