using System.Text;

namespace FitCluster.Training.Reporting;

/// <summary>
/// Renders small result tables as GitHub-flavoured Markdown (columns padded to align in plain text) or as CSV.
/// Pure and thread-safe.
/// </summary>
public static class MarkdownTable
{
    private const int MinimumSeparatorWidth = 3;

    /// <summary>
    /// Renders a GitHub-flavoured Markdown table: a header row, a separator row and one line per row, every cell
    /// left-aligned and padded to its column's width. A '|' in a cell is escaped as "\|"; line breaks inside a cell
    /// become spaces. Lines end with '\n', including the last.
    /// </summary>
    /// <param name="header">Column titles; at least one.</param>
    /// <param name="rows">Rows of cells; a short row is padded with empty cells.</param>
    /// <returns>The table text.</returns>
    /// <exception cref="ArgumentException">The header is empty or a row has more cells than the header.</exception>
    public static string Render(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        CheckShape(header, rows);
        var columnCount = header.Count;
        var widths = new int[columnCount];
        for (var c = 0; c < columnCount; c++)
        {
            widths[c] = Math.Max(MinimumSeparatorWidth, EscapeMarkdown(header[c]).Length);
        }

        foreach (var row in rows)
        {
            for (var c = 0; c < row.Count; c++)
            {
                widths[c] = Math.Max(widths[c], EscapeMarkdown(row[c]).Length);
            }
        }

        var builder = new StringBuilder();
        AppendMarkdownRow(builder, header, widths);
        builder.Append('|');
        foreach (var width in widths)
        {
            builder.Append(' ').Append('-', width).Append(" |");
        }

        builder.Append('\n');
        foreach (var row in rows)
        {
            AppendMarkdownRow(builder, row, widths);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Renders the same table as RFC 4180 CSV: fields holding a comma, a double quote, CR or LF are enclosed in double
    /// quotes with inner quotes doubled; records end with CRLF, including the last. A short row is padded with empty
    /// fields so every record has the header's field count.
    /// </summary>
    /// <param name="header">Column titles, written as the first record; at least one.</param>
    /// <param name="rows">Rows of fields.</param>
    /// <returns>The CSV text.</returns>
    /// <exception cref="ArgumentException">The header is empty or a row has more cells than the header.</exception>
    public static string ToCsv(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        CheckShape(header, rows);
        var builder = new StringBuilder();
        AppendCsvRecord(builder, header, header.Count);
        foreach (var row in rows)
        {
            AppendCsvRecord(builder, row, header.Count);
        }

        return builder.ToString();
    }

    private static void CheckShape(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        if (header.Count == 0)
        {
            throw new ArgumentException("A table needs at least one column.", nameof(header));
        }

        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].Count > header.Count)
            {
                throw new ArgumentException(
                    $"Row {r} has {rows[r].Count} cells but the header has {header.Count} columns.", nameof(rows));
            }
        }
    }

    private static void AppendMarkdownRow(StringBuilder builder, IReadOnlyList<string> cells, int[] widths)
    {
        builder.Append('|');
        for (var c = 0; c < widths.Length; c++)
        {
            var cell = c < cells.Count ? EscapeMarkdown(cells[c]) : string.Empty;
            builder.Append(' ').Append(cell).Append(' ', widths[c] - cell.Length).Append(" |");
        }

        builder.Append('\n');
    }

    private static string EscapeMarkdown(string? cell) =>
        (cell ?? string.Empty).Replace("\r\n", " ", StringComparison.Ordinal)
            .Replace('\n', ' ')
            .Replace('\r', ' ')
            .Replace("|", "\\|", StringComparison.Ordinal);

    private static void AppendCsvRecord(StringBuilder builder, IReadOnlyList<string> fields, int fieldCount)
    {
        for (var c = 0; c < fieldCount; c++)
        {
            if (c > 0)
            {
                builder.Append(',');
            }

            var field = c < fields.Count ? fields[c] ?? string.Empty : string.Empty;
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                builder.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                builder.Append(field);
            }
        }

        builder.Append("\r\n");
    }
}
