using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;

namespace FitCluster.Training.Data.Schema;

/// <summary>
/// Writes a large generated behaviour log with user and item tables and its schema, for the loader's scale check
/// (<c>./fit dataset generate</c>). DuckDB writes the files, so generating 20 M rows takes seconds and little memory.
/// </summary>
/// <remarks>
/// Deterministic: every value is a hash of the row number. User ids are spread over <c>users</c>, items skew towards
/// low ids (a cube of a uniform hash), times rise with the row number so the file is in time order, and about 1 row in
/// 997 repeats its predecessor's event (duplicates for the report). Not real data. Thread-safe: no shared state.
/// </remarks>
public static class GeneratedLog
{
    /// <summary>Writes <c>behaviours.FORMAT</c>, <c>users.FORMAT</c>, <c>items.FORMAT</c> and <c>schema.json</c> into <paramref name="directory"/>.</summary>
    /// <param name="directory">Output folder (created).</param>
    /// <param name="behaviours">Rows of the behaviour log.</param>
    /// <param name="users">Distinct users.</param>
    /// <param name="items">Distinct items.</param>
    /// <param name="format"><c>parquet</c> or <c>csv</c> (gzip-compressed <c>.csv.gz</c>).</param>
    /// <returns>The schema file's path.</returns>
    public static string Write(string directory, long behaviours, long users, long items, string format)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(behaviours, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(items, 2);
        if (format is not ("parquet" or "csv"))
        {
            throw new ArgumentException($"format must be parquet or csv, got '{format}'.", nameof(format));
        }

        Directory.CreateDirectory(directory);
        var extension = format == "parquet" ? "parquet" : "csv.gz";
        var copy = format == "parquet" ? "(FORMAT parquet)" : "(FORMAT csv, HEADER true, COMPRESSION gzip)";
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        string File(string name) => SourceTable.Literal(Path.Combine(directory, $"{name}.{extension}"));
        string N(long value) => value.ToString(CultureInfo.InvariantCulture);

        // A row repeats its predecessor (same user, item, time) when i % 997 = 1.
        SourceTable.Execute(connection, $"""
            COPY (
              SELECT (hash(j * 2 + 1) % {N(users)}) + 1 AS user_id,
                     CAST(floor(pow((hash(j * 2 + 2) % 1000003) / 1000003.0, 3) * {N(items)}) AS BIGINT) + 1 AS item_id,
                     1500000000 + j * 2 AS ts
              FROM (SELECT CASE WHEN i % 997 = 1 THEN i - 1 ELSE i END AS j FROM range({N(behaviours)}) t(i))
            ) TO {File("behaviours")} {copy}
            """);
        SourceTable.Execute(connection, $"""
            COPY (SELECT i + 1 AS user_id, CAST(hash(i * 3) % 80 AS INTEGER) + 10 AS age, ['f', 'm', 'x'][CAST(hash(i * 5) % 3 AS INTEGER) + 1] AS segment
                  FROM range({N(users)}) t(i)) TO {File("users")} {copy}
            """);
        SourceTable.Execute(connection, $"""
            COPY (SELECT i + 1 AS item_id, 'c' || CAST(hash(i * 7) % 200 AS VARCHAR) AS category,
                         't' || CAST(hash(i * 11) % 50 AS VARCHAR) || '|t' || CAST(hash(i * 13) % 50 AS VARCHAR) AS tags
                  FROM range({N(items)}) t(i)) TO {File("items")} {copy}
            """);

        var schema = new JsonObject
        {
            ["name"] = "generated",
            ["behaviours"] = new JsonObject { ["file"] = $"behaviours.{extension}", ["user"] = "user_id", ["item"] = "item_id", ["time"] = "ts" },
            ["users"] = new JsonObject
            {
                ["file"] = $"users.{extension}",
                ["id"] = "user_id",
                ["features"] = new JsonArray(
                    new JsonObject { ["name"] = "age", ["kind"] = "numeric", ["buckets"] = new JsonArray(18, 25, 35, 50, 65) },
                    new JsonObject { ["name"] = "segment", ["kind"] = "categorical" }),
            },
            ["items"] = new JsonObject
            {
                ["file"] = $"items.{extension}",
                ["id"] = "item_id",
                ["features"] = new JsonArray(
                    new JsonObject { ["name"] = "category", ["kind"] = "categorical" },
                    new JsonObject { ["name"] = "tags", ["kind"] = "multi-valued", ["separator"] = "|" }),
                ["attribute"] = new JsonArray("category"),
            },
            ["protocol"] = new JsonObject { ["kind"] = "next-behaviour" },
        };
        var path = Path.Combine(directory, "schema.json");
        System.IO.File.WriteAllText(path, schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
