using System.Globalization;
using ScottPlot;

namespace FitCluster.Training.Reporting;

/// <summary>
/// Writes report charts as PNG files with ScottPlot 5, headlessly (SkiaSharp's native library, no display needed).
/// Each call builds its own plot, so calls are thread-safe as long as they write different files.
/// </summary>
public static class Plots
{
    /// <summary>Width of every written image in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of every written image in pixels.</summary>
    public const int Height = 600;

    // Share of the data's y-range left free above and below the bars so error-bar caps stay in view.
    private const double BarPaddingFraction = 0.15;

    /// <summary>
    /// Writes a line chart of several named series, with markers and a legend, to a PNG at <paramref name="path"/>
    /// (its folder is created if missing; an existing file is overwritten).
    /// </summary>
    /// <param name="path">Destination PNG file.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="xLabel">X-axis label, e.g. "Epoch".</param>
    /// <param name="yLabel">Y-axis label, e.g. "Validation AUC".</param>
    /// <param name="series">Series to draw, in legend order; each with X and Y of equal length.</param>
    /// <exception cref="ArgumentException">A series has X and Y of different lengths.</exception>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        using var plot = new Plot();
        foreach (var line in series)
        {
            if (line.X.Length != line.Y.Length)
            {
                throw new ArgumentException(
                    $"Series '{line.Name}' has {line.X.Length} x values but {line.Y.Length} y values.", nameof(series));
            }

            var scatter = plot.Add.Scatter(line.X, line.Y);
            scatter.LegendText = line.Name;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 5;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (series.Count > 0)
        {
            plot.ShowLegend(Alignment.LowerRight);
        }

        Save(plot, path);
    }

    /// <summary>
    /// Writes a bar chart of means with symmetric error bars to a PNG at <paramref name="path"/>. The y-axis is zoomed
    /// to the span of mean ± error (plus padding) instead of starting at 0, so differences of 0.002 in AUC are visible;
    /// each category label also shows mean ± error.
    /// </summary>
    /// <param name="path">Destination PNG file (folder created if missing; overwritten if present).</param>
    /// <param name="title">Chart title.</param>
    /// <param name="yLabel">Y-axis label, e.g. "Test AUC".</param>
    /// <param name="labels">Category label under each bar, e.g. model names.</param>
    /// <param name="means">Bar heights, one per label.</param>
    /// <param name="errors">Half-length of each error bar (e.g. a standard deviation), one per label; non-negative.</param>
    /// <exception cref="ArgumentException">The three lists differ in length or are empty, or an error is negative.</exception>
    public static void BarsWithErrors(
        string path,
        string title,
        string yLabel,
        IReadOnlyList<string> labels,
        IReadOnlyList<double> means,
        IReadOnlyList<double> errors)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(errors);
        if (labels.Count != means.Count || errors.Count != means.Count || means.Count == 0)
        {
            throw new ArgumentException(
                $"Bar inputs must be non-empty and equally long: {labels.Count} labels, {means.Count} means, {errors.Count} errors.",
                nameof(means));
        }

        var low = double.PositiveInfinity;
        var high = double.NegativeInfinity;
        for (var i = 0; i < means.Count; i++)
        {
            if (!(errors[i] >= 0))
            {
                throw new ArgumentException($"Error {i} is {errors[i]}; errors must be non-negative.", nameof(errors));
            }

            low = Math.Min(low, means[i] - errors[i]);
            high = Math.Max(high, means[i] + errors[i]);
        }

        var range = high - low;
        var padding = range > 0 ? range * BarPaddingFraction : Math.Max(Math.Abs(high) * 0.01, 1e-3);
        var bottom = low - padding;
        var top = high + padding;

        using var plot = new Plot();
        var bars = new List<Bar>(means.Count);
        var ticks = new Tick[means.Count];
        for (var i = 0; i < means.Count; i++)
        {
            bars.Add(new Bar
            {
                Position = i,
                Value = means[i],
                Error = errors[i],
                // Bars rise from the zoomed axis floor, not from 0, which would lie far below the view.
                ValueBase = bottom,
                FillColor = plot.Add.Palette.GetColor(i),
            });

            // The value goes under the category name: on or in the bar it collides with the error bar.
            var value = string.Create(CultureInfo.InvariantCulture, $"{means[i]:0.####} ± {errors[i]:0.####}");
            ticks[i] = new Tick(i, labels[i] + "\n" + value);
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.HideGrid();
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.Axes.SetLimits(-0.6, means.Count - 0.4, bottom, top);
        // Long model names (fit-soft-no-temperature) need ~150 px each: widen the image rather than let names overlap.
        Save(plot, path, Math.Max(Width, 120 + (means.Count * 150)));
    }

    /// <summary>
    /// Writes a line chart with two y-axes (like the paper's Figs. 7–8: AUC on the left, latency on the right) to a PNG.
    /// </summary>
    /// <param name="path">Destination PNG file (folder created if missing; overwritten if present).</param>
    /// <param name="title">Chart title.</param>
    /// <param name="xLabel">X-axis label.</param>
    /// <param name="left">Series on the left axis.</param>
    /// <param name="leftLabel">Left axis label.</param>
    /// <param name="right">Series on the right axis.</param>
    /// <param name="rightLabel">Right axis label.</param>
    /// <param name="xTickLabels">Optional labels of the left series' x positions, the only ticks shown (e.g. swept values on a log axis).</param>
    /// <exception cref="ArgumentException">A series has X and Y of different lengths.</exception>
    public static void TwoAxisLines(
        string path, string title, string xLabel, PlotSeries left, string leftLabel, PlotSeries right, string rightLabel, IReadOnlyList<string>? xTickLabels = null)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        using var plot = new Plot();
        var index = 0;
        foreach (var (line, onRight) in new[] { (left, false), (right, true) })
        {
            if (line.X.Length != line.Y.Length)
            {
                throw new ArgumentException($"Series '{line.Name}' has {line.X.Length} x values but {line.Y.Length} y values.", nameof(left));
            }

            var scatter = plot.Add.Scatter(line.X, line.Y);
            scatter.LegendText = line.Name;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 7;
            scatter.Color = plot.Add.Palette.GetColor(index++);
            if (onRight)
            {
                scatter.LinePattern = LinePattern.Dashed;
                scatter.Axes.YAxis = plot.Axes.Right;
            }
        }

        if (xTickLabels is { Count: > 0 })
        {
            var ticks = left.X.Zip(xTickLabels, (x, label) => new Tick(x, label)).ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.Axes.Left.Label.Text = leftLabel;
        plot.Axes.Right.Label.Text = rightLabel;
        plot.ShowLegend(Alignment.LowerRight);
        Save(plot, path);
    }

    /// <summary>
    /// Writes a 2-D map (t-SNE) to a PNG: small points coloured by group, and larger black-edged markers for highlighted
    /// points (e.g. meta vectors) coloured like their group.
    /// </summary>
    /// <param name="path">Destination PNG file (folder created if missing; overwritten if present).</param>
    /// <param name="title">Chart title.</param>
    /// <param name="x">X coordinate of every point.</param>
    /// <param name="y">Y coordinate of every point.</param>
    /// <param name="group">Group of every point (colour; groups beyond the palette reuse colours).</param>
    /// <param name="highlighted">Whether each point is drawn as a large marker.</param>
    /// <param name="pointLabel">Legend text of ordinary points.</param>
    /// <param name="highlightLabel">Legend text of highlighted points.</param>
    /// <exception cref="ArgumentException">The four lists differ in length.</exception>
    public static void Map(
        string path, string title, IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<int> group, IReadOnlyList<bool> highlighted,
        string pointLabel, string highlightLabel)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(highlighted);
        if (y.Count != x.Count || group.Count != x.Count || highlighted.Count != x.Count)
        {
            throw new ArgumentException($"Map inputs differ in length: {x.Count} x, {y.Count} y, {group.Count} groups, {highlighted.Count} flags.", nameof(x));
        }

        using var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category20();
        foreach (var big in new[] { false, true })
        {
            foreach (var g in group.Distinct().Order())
            {
                var xs = new List<double>();
                var ys = new List<double>();
                for (var i = 0; i < x.Count; i++)
                {
                    if (group[i] == g && highlighted[i] == big)
                    {
                        xs.Add(x[i]);
                        ys.Add(y[i]);
                    }
                }

                if (xs.Count == 0)
                {
                    continue;
                }

                var markers = plot.Add.Markers(xs.ToArray(), ys.ToArray(), big ? MarkerShape.FilledDiamond : MarkerShape.FilledCircle, big ? 14 : 4, palette.GetColor(g));
                if (big)
                {
                    markers.MarkerStyle.OutlineColor = Colors.Black;
                    markers.MarkerStyle.OutlineWidth = 1.5f;
                }
            }
        }

        // Two legend entries only: colours stand for groups (query indices), which are too many to list.
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = pointLabel, MarkerShape = MarkerShape.FilledCircle, MarkerFillColor = Colors.Gray, MarkerSize = 6 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = highlightLabel, MarkerShape = MarkerShape.FilledDiamond, MarkerFillColor = Colors.Gray, MarkerLineColor = Colors.Black, MarkerSize = 12 });
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title(title);
        plot.HideGrid();
        Save(plot, path);
    }

    private static void Save(Plot plot, string path, int width = Width)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        plot.SavePng(path, width, Height);
    }
}
