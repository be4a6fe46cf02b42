using HdrHistogram;

namespace FitCluster.LoadTest;

/// <summary>Latency percentiles in milliseconds; NaN when nothing was recorded.</summary>
/// <param name="Count">Values recorded.</param>
/// <param name="P50Ms">Median.</param>
/// <param name="P90Ms">90th percentile.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="P999Ms">99.9th percentile.</param>
/// <param name="MaxMs">Largest value (HdrHistogram's bucket bound: within 0.1% at 3 significant digits).</param>
public readonly record struct LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    /// <summary>Summarises a histogram whose values are in microseconds.</summary>
    public static LatencySummary FromMicroseconds(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var count = histogram.TotalCount;
        if (count == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        double Ms(double percentile) => histogram.GetValueAtPercentile(percentile) / 1000.0;
        return new LatencySummary(count, Ms(50), Ms(90), Ms(99), Ms(99.9), histogram.GetMaxValue() / 1000.0);
    }
}
