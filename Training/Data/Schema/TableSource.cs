namespace FitCluster.Training.Data.Schema;

/// <summary>
/// Where a table's rows come from: a file (CSV/TSV, JSON lines or Parquet, plain or gzip; DuckDB globs allowed) or a
/// DuckDB SQL query. Relative file names resolve against <c>--data</c> when given, else against the schema's folder;
/// inside a query, DuckDB resolves relative names against the same folder (<c>file_search_path</c>).
/// </summary>
public record TableSource
{
    /// <summary>File name or glob; exactly one of <see cref="File"/> and <see cref="Query"/>.</summary>
    public string? File { get; init; }

    /// <summary>A DuckDB SELECT whose result is the table; exactly one of <see cref="File"/> and <see cref="Query"/>.</summary>
    public string? Query { get; init; }

    /// <summary><c>csv</c>, <c>tsv</c>, <c>jsonl</c> or <c>parquet</c>; default from the file's extension (<c>.gz</c> ignored).</summary>
    public string? Format { get; init; }

    /// <summary>CSV/TSV: field separator, up to 4 bytes (<c>::</c> for GroupLens files); default sniffed (TSV: tab).</summary>
    public string? Delimiter { get; init; }

    /// <summary>CSV/TSV: whether the first line names the columns; default true.</summary>
    public bool? Header { get; init; }

    /// <summary>CSV/TSV without a header: the column names in file order.</summary>
    public IReadOnlyList<string>? ColumnNames { get; init; }

    /// <summary>CSV/TSV: <c>utf-8</c> (default), <c>latin-1</c> or <c>utf-16</c>.</summary>
    public string? Encoding { get; init; }

    /// <summary>CSV/TSV: the quote character; empty for none (titles that contain <c>"</c>). Default sniffed.</summary>
    public string? Quote { get; init; }

    /// <summary>CSV/TSV: DuckDB types of some columns (<c>{"zip": "VARCHAR", "cate_id": "BIGINT"}</c>) instead of the sniffed
    /// ones; a line whose value does not fit is dropped and reported as malformed, with its line number.</summary>
    public IReadOnlyDictionary<string, string>? ColumnTypes { get; init; }

    /// <summary>CSV/TSV: the text that means a missing value (<c>NULL</c>); an empty field is always missing.</summary>
    public string? NullValue { get; init; }
}
