using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace FitCluster.Training.Data.Schema;

/// <summary>
/// One table of a schema opened in DuckDB as a view (<c>CREATE TEMP VIEW</c> over <c>read_csv</c>, <c>read_json</c>,
/// <c>read_parquet</c> or the schema's query), with its columns and types, and the SQL expressions that read a
/// column as an id, a time, a label or a feature.
/// </summary>
/// <remarks>Not thread-safe: used by one load on one connection.</remarks>
internal sealed class SourceTable
{
    private readonly SchemaFile _schema;
    private readonly Dictionary<string, (string Type, ColumnType Kind)> _columns;
    private string? _malformedJson;

    private SourceTable(SchemaFile schema, string jsonPath, string view, string title, string? rejectsTable, Dictionary<string, (string, ColumnType)> columns)
    {
        _schema = schema;
        JsonPath = jsonPath;
        View = view;
        Title = title;
        RejectsTable = rejectsTable;
        _columns = columns;
    }

    private const string QueryRejectsTable = "reject_errors";

    /// <summary>The table's JSON path in the schema (<c>$.behaviours</c>).</summary>
    public string JsonPath { get; }

    /// <summary>The view name in DuckDB.</summary>
    public string View { get; }

    /// <summary>The file name or "query", for messages.</summary>
    public string Title { get; }

    /// <summary>DuckDB's table of the CSV lines it rejected, or null (not CSV). A query's <c>read_csv</c> with
    /// <c>store_rejects = true</c> uses DuckDB's default <c>reject_errors</c>, emptied after each read.</summary>
    public string? RejectsTable { get; }

    /// <summary>Opens <paramref name="source"/> as view <paramref name="view"/>; files resolve against <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="SchemaException">A missing or empty file, or one DuckDB cannot read.</exception>
    public static SourceTable Open(DuckDBConnection connection, SchemaFile schema, TableSource source, string jsonPath, string view, string dataDirectory)
    {
        string relation;
        string title;
        string? rejects = null;
        string? malformedJson = null;
        if (source.Query is { } query)
        {
            relation = $"({query.Trim().TrimEnd(';')})";
            title = "query";
            rejects = QueryRejectsTable; // where read_csv(..., store_rejects = true) inside a query puts its rejected lines
        }
        else
        {
            var file = source.File!;
            var path = Path.Combine(dataDirectory, file);
            title = file;
            if (file.IndexOfAny(['*', '?', '[']) < 0)
            {
                if (!System.IO.File.Exists(path))
                {
                    throw schema.Error($"{jsonPath}.file", $"file not found: {path}");
                }

                if (new FileInfo(path).Length == 0)
                {
                    throw schema.Error($"{jsonPath}.file", $"the file is empty: {path}");
                }
            }

            var format = source.Format ?? DatasetSchemaReader.FormatOf(file)!;
            rejects = format is "csv" or "tsv" ? $"{view}_rejects" : null;
            try
            {
                relation = format switch
                {
                    "parquet" => $"read_parquet({Literal(path)})",
                    "jsonl" => JsonLinesRelation(connection, path, out malformedJson),
                    _ => CsvRelation(path, format, source, rejects!),
                };
            }
            catch (DuckDBException e)
            {
                throw schema.Error($"{jsonPath}.file", $"DuckDB cannot read {title}: {FirstLine(e.Message)}");
            }
        }

        var columns = new Dictionary<string, (string, ColumnType)>(StringComparer.Ordinal);
        try
        {
            Execute(connection, $"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {relation}");
            using var command = connection.CreateCommand();
            command.CommandText = $"DESCRIBE SELECT * FROM {view}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var type = reader.GetString(1);
                columns[reader.GetString(0)] = (type, Classify(type));
            }
        }
        catch (DuckDBException e)
        {
            throw schema.Error(source.Query is null ? $"{jsonPath}.file" : $"{jsonPath}.query", $"DuckDB cannot read {title}: {FirstLine(e.Message)}");
        }

        return new SourceTable(schema, jsonPath, view, title, rejects, columns) { _malformedJson = malformedJson };
    }

    /// <summary>Column <paramref name="name"/>, named in the schema at <paramref name="keyPath"/>; a missing column is an error located there.</summary>
    public (string Name, string Type, ColumnType Kind) Column(string name, string keyPath)
    {
        return _columns.TryGetValue(name, out var column)
            ? (name, column.Type, column.Kind)
            : throw _schema.Error(keyPath, $"column '{name}' is not in {Title}; its columns are: {string.Join(", ", _columns.Keys)}");
    }

    /// <summary>An error about this table at <paramref name="keyPath"/>.</summary>
    public SchemaException Error(string keyPath, string problem) => _schema.Error(keyPath, problem);

    /// <summary>Call before a scan: a query's rejects go to DuckDB's shared default table, so it starts empty.</summary>
    public void BeginScan(DuckDBConnection connection)
    {
        if (RejectsTable == QueryRejectsTable)
        {
            Execute(connection, "DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans");
        }
    }

    /// <summary>Rejected CSV lines (each file and line once, however often it was scanned): count and up to three
    /// "line N: problem" examples.</summary>
    public (long Count, IReadOnlyList<string> Examples) Rejected(DuckDBConnection connection)
    {
        if (_malformedJson is not null)
        {
            using var countCommand = connection.CreateCommand();
            countCommand.CommandText = _malformedJson;
            var lines = Convert.ToInt64(countCommand.ExecuteScalar(), CultureInfo.InvariantCulture);
            return (lines, lines > 0 ? [$"{Title}: {lines} lines are not JSON objects"] : []);
        }

        if (RejectsTable is null)
        {
            return (0, []);
        }

        var scans = RejectsTable == QueryRejectsTable ? "reject_scans" : RejectsTable + "_scan";
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT s.file_path, e.line, any_value(e.error_message), any_value(e.csv_line)
            FROM {RejectsTable} e JOIN {scans} s ON e.scan_id = s.scan_id AND e.file_id = s.file_id
            GROUP BY s.file_path, e.line ORDER BY s.file_path, e.line
            """;
        var examples = new List<string>();
        long count = 0;
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (count++ < 3)
                {
                    examples.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{Path.GetFileName(reader.GetString(0))} line {reader.GetValue(1)}: {reader.GetString(2)} ('{Preview(reader.IsDBNull(3) ? string.Empty : reader.GetString(3))}')"));
                }
            }
        }
        catch (DuckDBException)
        {
            return (0, []); // no line was rejected, so DuckDB made no table
        }

        return (count, examples);
    }

    /// <summary>SQL reading a column as an id: BIGINT when <paramref name="asInteger"/>, else trimmed text.</summary>
    public static string IdExpression(string column, bool asInteger) =>
        asInteger ? $"CAST({Quote(column)} AS BIGINT)" : $"NULLIF(trim({Text(column)}), '')";

    /// <summary>SQL reading a column as a time in whole units (unix seconds for dates and timestamps), NULL when unparsable.</summary>
    public static string TimeExpression(string column, ColumnType kind) => kind switch
    {
        ColumnType.Integer => $"CAST({Quote(column)} AS BIGINT)",
        ColumnType.Decimal => $"CAST(floor({Quote(column)}) AS BIGINT)",
        ColumnType.Temporal => $"CAST(floor(epoch({Quote(column)})) AS BIGINT)",
        _ => $"COALESCE(TRY_CAST({Text(column)} AS BIGINT), CAST(floor(epoch(TRY_CAST({Text(column)} AS TIMESTAMPTZ))) AS BIGINT))",
    };

    /// <summary>SQL reading a column as a number (label, numeric feature), NULL when unparsable.</summary>
    public static string NumberExpression(string column, ColumnType kind) => kind switch
    {
        ColumnType.Integer or ColumnType.Decimal => $"CAST({Quote(column)} AS DOUBLE)",
        ColumnType.Boolean => $"CAST(CAST({Quote(column)} AS INTEGER) AS DOUBLE)",
        _ => $"COALESCE(TRY_CAST({Text(column)} AS DOUBLE), CAST(CAST(TRY_CAST({Text(column)} AS BOOLEAN) AS INTEGER) AS DOUBLE))",
    };

    /// <summary>SQL reading a column as text (JSON strings without their quotes).</summary>
    public static string Text(string column) => $"trim(CAST({Quote(column)} AS VARCHAR), '\"')";

    /// <summary>SQL reading a list column as one text, elements joined by U+001F.</summary>
    public static string JoinedList(string column) =>
        $"array_to_string(list_transform({Quote(column)}, x -> CAST(x AS VARCHAR)), chr(31))";

    /// <summary>A quoted SQL identifier.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A quoted SQL string literal.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Runs one statement.</summary>
    public static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// JSON lines, strictly one object per line: DuckDB's <c>read_json</c> infers the columns and types, but a broken line
    /// could swallow the next one there, so the rows come from <c>read_ndjson_objects</c> (a broken line is NULL,
    /// counted as malformed) converted with <c>json_transform</c> (a value of the wrong type becomes NULL).
    /// </summary>
    private static string JsonLinesRelation(DuckDBConnection connection, string path, out string malformed)
    {
        var structure = new StringBuilder("{");
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"DESCRIBE SELECT * FROM read_json({Literal(path)}, format = 'newline_delimited', ignore_errors = true)";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var type = reader.GetString(1);
                var plain = !type.Contains('(', StringComparison.Ordinal) || type.StartsWith("DECIMAL", StringComparison.Ordinal);
                structure.Append(structure.Length > 1 ? "," : string.Empty)
                    .Append(System.Text.Json.JsonSerializer.Serialize(reader.GetString(0))).Append(':')
                    .Append(System.Text.Json.JsonSerializer.Serialize(plain ? type : "JSON"));
            }
        }

        var objects = $"read_ndjson_objects({Literal(path)}, ignore_errors = true)";
        malformed = $"SELECT count(*) FROM {objects} WHERE json IS NULL";
        return $"(SELECT unnest(json_transform(json, {Literal(structure.Append('}').ToString())})) FROM {objects} WHERE json IS NOT NULL)";
    }

    private static string CsvRelation(string path, string format, TableSource source, string rejects)
    {
        var options = new StringBuilder();
        options.Append(CultureInfo.InvariantCulture, $", store_rejects = true, rejects_table = {Literal(rejects)}, rejects_scan = {Literal(rejects + "_scan")}");
        options.Append(CultureInfo.InvariantCulture, $", header = {(source.Header ?? true ? "true" : "false")}");
        if ((source.Delimiter ?? (format == "tsv" ? "\t" : null)) is { } delimiter)
        {
            options.Append(CultureInfo.InvariantCulture, $", delim = {Literal(delimiter)}");
        }

        if (source.ColumnNames is { } names)
        {
            options.Append(CultureInfo.InvariantCulture, $", names = [{string.Join(", ", names.Select(Literal))}]");
        }

        if (source.ColumnTypes is { Count: > 0 } types)
        {
            options.Append(CultureInfo.InvariantCulture, $", types = {{{string.Join(", ", types.Select(t => $"{Literal(t.Key)}: {Literal(t.Value)}"))}}}");
        }

        if (source.Encoding is { } encoding)
        {
            options.Append(CultureInfo.InvariantCulture, $", encoding = {Literal(encoding)}");
        }

        if (source.Quote is { } quote)
        {
            options.Append(CultureInfo.InvariantCulture, $", quote = {Literal(quote)}, escape = {Literal(quote)}");
        }

        if (source.NullValue is { } nullValue)
        {
            options.Append(CultureInfo.InvariantCulture, $", nullstr = [{Literal(nullValue)}, '']");
        }

        return $"read_csv({Literal(path)}{options})";
    }

    private static ColumnType Classify(string type)
    {
        if (type.EndsWith(']') || type.StartsWith("LIST", StringComparison.Ordinal))
        {
            return ColumnType.List;
        }

        return type switch
        {
            "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT" or "UTINYINT" or "USMALLINT" or "UINTEGER" or "UBIGINT" or "UHUGEINT" => ColumnType.Integer,
            "FLOAT" or "DOUBLE" => ColumnType.Decimal,
            "DATE" => ColumnType.Temporal,
            "BOOLEAN" => ColumnType.Boolean,
            "VARCHAR" or "JSON" or "UUID" => ColumnType.Text,
            _ when type.StartsWith("DECIMAL", StringComparison.Ordinal) => ColumnType.Decimal,
            _ when type.StartsWith("TIMESTAMP", StringComparison.Ordinal) => ColumnType.Temporal,
            _ => ColumnType.Other,
        };
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline];
    }

    private static string Preview(string line) => line.Length <= 80 ? line : string.Concat(line.AsSpan(0, 77), "...");
}
