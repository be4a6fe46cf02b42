using System.Globalization;
using System.Text;

namespace FitCluster.LoadTest;

/// <summary>
/// Formats runs as rows of one Markdown table, so runs of different set-ups can be appended to one file: the
/// explanation and the header are written once (<see cref="Header"/>), then one <see cref="Row"/> per run.
/// </summary>
public static class MarkdownReport
{
    /// <summary>The explanation paragraph, a blank line, the table header and its alignment line.</summary>
    public static string Header() =>
        """
        Load tests of `POST /v1/rank` through the HTTP gateway (bench/FitCluster.LoadTest). Latency is client-side, of
        successful responses only, to the last byte: from the intended send time at a fixed rate (coordinated-omission
        correct) or from the actual send under saturation. req/s: successful responses per second of the measurement
        window (after the warm-up). cluster/gateway: percentiles of the server's own `timings`
        (cluster p99 against the client's p99 shows whether the tail is inside the cluster). send lag: how late the
        generator itself sent at a fixed rate (its precision, included in the latency).

        | date (UTC) | hardware | label | mode | model | candidates | k | window s | ok | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | coverage | cluster p50 ms | cluster p99 ms | gateway p50 ms | send lag p99 ms |
        |---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|

        """.ReplaceLineEndings("\n");

    /// <summary>One table row for <paramref name="report"/>, ending in a newline.</summary>
    public static string Row(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var r = report.Result;
        var l = r.Latency;
        var cells = new[]
        {
            report.DateUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            Escape(report.Hardware),
            Escape(report.Label),
            Escape(report.Mode),
            Escape(r.ModelVersion ?? "–"),
            report.Candidates.ToString(CultureInfo.InvariantCulture),
            report.K.ToString(CultureInfo.InvariantCulture),
            Number(r.WindowSeconds, "F1"),
            r.Succeeded.ToString(CultureInfo.InvariantCulture),
            Number(r.ThroughputPerSecond, "F1"),
            Number(l.P50Ms, "F2"),
            Number(l.P90Ms, "F2"),
            Number(l.P99Ms, "F2"),
            Number(l.P999Ms, "F2"),
            Number(l.MaxMs, "F2"),
            Errors(r.Errors),
            Number(r.MeanCoverage, "F3"),
            Number(r.ClusterMsP50, "F2"),
            Number(r.ClusterMsP99, "F2"),
            Number(r.GatewayMsP50, "F2"),
            Number(r.SendLagP99Ms, "F2"),
        };
        return "| " + string.Join(" | ", cells) + " |\n";
    }

    /// <summary>Appends <paramref name="report"/>'s row to <paramref name="path"/>, writing the header first when the file is new or empty.</summary>
    public static void AppendTo(string path, LoadReport report)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var text = new StringBuilder();
        var info = new FileInfo(path);
        if (!info.Exists || info.Length == 0)
        {
            text.Append(Header());
        }

        text.Append(Row(report));
        File.AppendAllText(path, text.ToString());
    }

    /// <summary><c>none</c>, or failures by kind, most frequent first: <c>503: 4, timeout: 1</c>.</summary>
    public static string Errors(IReadOnlyList<KeyValuePair<string, long>> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            return "none";
        }

        var text = new StringBuilder();
        foreach (var (kind, count) in errors)
        {
            text.Append(text.Length > 0 ? ", " : "").Append(CultureInfo.InvariantCulture, $"{Escape(kind)}: {count}");
        }

        return text.ToString();
    }

    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
