using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FitCluster.Grains;

/// <summary>The ranking service's metrics (meter <c>FitCluster.Ranking</c>) and traces (activity source of the same name).</summary>
public sealed class RankingMetrics : IDisposable
{
    /// <summary>Meter and activity source name.</summary>
    public const string Name = "FitCluster.Ranking";

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _coverage;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;

    /// <summary>Creates the instruments; <paramref name="store"/> reports the shard rows this silo holds.</summary>
    public RankingMetrics(IMeterFactory meters, ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(store);
        _meter = meters.Create(Name);
        _duration = _meter.CreateHistogram<double>("fitcluster.rank.duration", "ms", "Coordinator time per ranking request");
        _coverage = _meter.CreateHistogram<double>("fitcluster.rank.coverage", null, "Candidates scored / candidates asked");
        _requests = _meter.CreateCounter<long>("fitcluster.rank.requests", null, "Ranking requests");
        _errors = _meter.CreateCounter<long>("fitcluster.rank.errors", null, "Ranking requests refused or failed, by code");
        _meter.CreateObservableGauge(
            "fitcluster.shard.items",
            () => store.ShardsHeld().GroupBy(s => s.Key.ModelVersion)
                .Select(g => new Measurement<long>(g.Sum(s => (long)s.Value), new KeyValuePair<string, object?>("model_version", g.Key))),
            null,
            "Items held in memory by this silo's item-shard activations (its own shards' rows only), by model version");
    }

    /// <summary>Traces one ranking request per activity.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>Records a served request.</summary>
    public void Served(string modelVersion, double milliseconds, double coverage)
    {
        var tag = new KeyValuePair<string, object?>("model_version", modelVersion);
        _requests.Add(1, tag);
        _duration.Record(milliseconds, tag);
        _coverage.Record(coverage, tag);
    }

    /// <summary>Records a refused or failed request.</summary>
    public void Failed(string code)
    {
        _requests.Add(1);
        _errors.Add(1, new KeyValuePair<string, object?>("code", code));
    }

    /// <summary>Disposes the meter.</summary>
    public void Dispose() => _meter.Dispose();
}
