using System.Globalization;
using ScottPlot;

namespace FitCluster.LoadTest.Scale;

/// <summary>The scale benchmark's charts (ScottPlot 5, headless PNG): memory and p99 against catalog size, log-scaled.</summary>
public static class ScalePlot
{
    /// <summary>Writes <c>scale.png</c> (largest silo's RSS) and <c>scale-latency.png</c> (p99 at the fixed rate) into <paramref name="directory"/>.</summary>
    public static void Write(string directory, IReadOnlyList<ScaleRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Lines(Path.Combine(directory, "scale.png"), "Largest silo's resident memory", "MiB", rows,
            r => string.Create(CultureInfo.InvariantCulture, $"{r.Silos} silo{(r.Silos > 1 ? "s" : string.Empty)}, {r.Precision}"),
            g => g.Max(r => r.RssMbMaxSilo));
        Lines(Path.Combine(directory, "scale-latency.png"), "p99 at the fixed moderate rate", "ms", rows,
            r => string.Create(CultureInfo.InvariantCulture, $"{r.Silos} silo{(r.Silos > 1 ? "s" : string.Empty)}, {r.Candidates:N0} candidates, {r.Precision}"),
            g => g.Max(r => r.P99Ms));
    }

    private static void Lines(string path, string title, string yLabel, IReadOnlyList<ScaleRow> rows, Func<ScaleRow, string> series, Func<IEnumerable<ScaleRow>, double> value)
    {
        using var plot = new Plot();
        var sizes = rows.Select(r => r.Items).Distinct().Order().ToList();
        foreach (var line in rows.GroupBy(series).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var points = line.GroupBy(r => r.Items).OrderBy(g => g.Key).Select(g => (X: Math.Log10(g.Key), Y: value(g))).Where(p => double.IsFinite(p.Y)).ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            scatter.LegendText = line.Key;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 7;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. sizes.Select(n => new Tick(Math.Log10(n), n.ToString("N0", CultureInfo.InvariantCulture)))]);
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, Math.Max(1, plot.Axes.GetLimits().Top * 1.1)); // from 0: ratios between lines stay visible
        plot.Title(title);
        plot.XLabel("items in the catalog (log scale)");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 600);
    }
}
