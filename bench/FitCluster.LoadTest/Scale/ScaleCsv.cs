using System.Globalization;
using System.Text;

namespace FitCluster.LoadTest.Scale;

/// <summary><c>scale.csv</c>: one line per configuration, the columns the scale benchmark promises, invariant culture.</summary>
public static class ScaleCsv
{
    /// <summary>The header line's columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["items", "silos", "candidates", "precision", "rss_mb_max_silo", "rss_mb_total", "ready_s", "rate_rps", "p50_ms", "p99_ms", "saturation_rps", "coverage_min"];

    /// <summary>The whole file: header, then one line per row.</summary>
    public static string Format(IEnumerable<ScaleRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder().Append(string.Join(',', Columns)).Append('\n');
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row.Items},{row.Silos},{row.Candidates},{row.Precision},")
                .Append(CultureInfo.InvariantCulture, $"{Number(row.RssMbMaxSilo, "0.0")},{Number(row.RssMbTotal, "0.0")},{Number(row.ReadySeconds, "0.0")},")
                .Append(CultureInfo.InvariantCulture, $"{Number(row.RateRps, "0.##")},{Number(row.P50Ms, "0.000")},{Number(row.P99Ms, "0.000")},")
                .Append(CultureInfo.InvariantCulture, $"{Number(row.SaturationRps, "0.0")},{Number(row.CoverageMin, "0.####")}\n");
        }

        return text.ToString();
    }

    // NaN (nothing measured) is an empty cell, not the culture's NaN symbol.
    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : string.Empty;
}
