using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace FitCluster.Training.Data.Schema;

/// <summary>
/// Reads and checks a dataset schema file (JSON, comments and trailing commas allowed). Every problem is reported at
/// once, each with its line, column and JSON path; an unknown key is an error (a typo never silently means "default").
/// </summary>
/// <remarks>Thread-safe: no shared mutable state.</remarks>
public static partial class DatasetSchemaReader
{
    /// <summary>Feature kinds (<see cref="FeatureSpec.Kind"/>).</summary>
    public static IReadOnlyList<string> FeatureKinds { get; } = ["categorical", "multi-valued", "numeric"];

    /// <summary>Protocols (<see cref="ProtocolSpec.Kind"/>).</summary>
    public static IReadOnlyList<string> ProtocolKinds { get; } = ["next-behaviour", "labelled-impressions"];

    /// <summary>File formats (<see cref="TableSource.Format"/>).</summary>
    public static IReadOnlyList<string> Formats { get; } = ["csv", "tsv", "jsonl", "parquet"];

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and checks <paramref name="schemaFile"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="SchemaException">Malformed JSON, a wrong type, an unknown key or an invalid value.</exception>
    public static SchemaFile Read(string schemaFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(schemaFile);
        if (!File.Exists(schemaFile))
        {
            throw new FileNotFoundException($"Dataset schema not found: {schemaFile}", schemaFile);
        }

        return Parse(File.ReadAllBytes(schemaFile), schemaFile);
    }

    /// <summary>Parses and checks schema text; <paramref name="schemaFile"/> names it in errors and anchors relative paths.</summary>
    /// <exception cref="SchemaException">Malformed JSON, a wrong type, an unknown key or an invalid value.</exception>
    public static SchemaFile Parse(byte[] utf8, string schemaFile)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        DatasetSchema? schema;
        try
        {
            schema = JsonSerializer.Deserialize<DatasetSchema>(utf8, s_json);
        }
        catch (JsonException e)
        {
            var at = e.LineNumber is { } line ? new SchemaLocation(e.Path ?? "$", (int)line + 1, (int)(e.BytePositionInLine ?? 0) + 1) : null;
            throw new SchemaException(schemaFile, at, FirstSentence(e.Message), e);
        }

        var locations = new SchemaLocations(utf8);
        if (schema is null)
        {
            throw new SchemaException(schemaFile, locations.Find("$"), "the schema is null; expected an object");
        }

        var problems = new List<(string Path, string Problem)>();
        Check(schema, problems);
        if (problems.Count > 0)
        {
            var first = problems[0];
            var more = problems.Skip(1).Select(p => Describe(schemaFile, locations.Find(p.Path), p.Problem));
            throw new SchemaException(schemaFile, locations.Find(first.Path), string.Join(Environment.NewLine, [first.Problem, .. more]));
        }

        return new SchemaFile(Path.GetFullPath(schemaFile), schema, locations, utf8);
    }

    /// <summary>A time given as unix seconds or an ISO date / date-time (UTC unless it has an offset).</summary>
    public static bool TryParseTime(string text, out long unixSeconds)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out unixSeconds))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            unixSeconds = time.ToUnixTimeSeconds();
            return true;
        }

        return false;
    }

    private static string Describe(string file, SchemaLocation? at, string problem) =>
        at is null ? $"{file}: {problem}" : $"{file}:{at.Line}:{at.Column}: {at.Path}: {problem}";

    private static string FirstSentence(string message)
    {
        // "The JSON value could not be converted to System.Int32. Path: $.x | LineNumber: 3 | BytePositionInLine: 9."
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Replace("System.Collections.Generic.IReadOnlyList`1[System.String]", "a list of strings", StringComparison.Ordinal);
    }

    private static void Check(DatasetSchema schema, List<(string, string)> problems)
    {
        if (string.IsNullOrEmpty(schema.Name))
        {
            problems.Add(("$", "'name' is required (the dataset's name in metrics, run folders and the artifact)"));
        }
        else if (!NamePattern().IsMatch(schema.Name))
        {
            problems.Add(("$.name", $"'{schema.Name}' is not a dataset name: lowercase letters, digits, '-', '_' and '.', starting with a letter or digit"));
        }

        var protocol = schema.Protocol ?? new ProtocolSpec();
        var impressions = protocol.Kind == "labelled-impressions";
        if (protocol.Kind is not null && !ProtocolKinds.Contains(protocol.Kind))
        {
            problems.Add(("$.protocol.kind", $"unknown protocol '{protocol.Kind}'; known: {string.Join(", ", ProtocolKinds)}"));
        }

        if (protocol.MinBehaviours is < 0)
        {
            problems.Add(("$.protocol.min_behaviours", $"must be at least 0 (got {protocol.MinBehaviours})"));
        }

        if (protocol.TestFrom is { } testFrom && !TryParseTime(testFrom, out _))
        {
            problems.Add(("$.protocol.test_from", $"'{testFrom}' is neither unix seconds nor an ISO date/time"));
        }

        if (protocol.UtcOffsetHours is { } offset && !(offset >= -24 && offset <= 24))
        {
            problems.Add(("$.protocol.utc_offset_hours", $"must be in [-24, 24] (got {offset})"));
        }

        if (!impressions && (protocol.TestFrom is not null || protocol.UtcOffsetHours is not null))
        {
            problems.Add(("$.protocol", "test_from and utc_offset_hours belong to labelled-impressions; next-behaviour tests on each user's last behaviour"));
        }

        if (schema.Behaviours is not { } behaviours)
        {
            problems.Add(("$", "'behaviours' is required: the behaviour / impression log"));
        }
        else
        {
            CheckSource(behaviours, "$.behaviours", problems);
            Require(behaviours.User, "$.behaviours", "user", "the column of the user id", problems);
            Require(behaviours.Item, "$.behaviours", "item", "the column of the item id", problems);
            Require(behaviours.Time, "$.behaviours", "time", "the column of the event time", problems);
            if (impressions && behaviours.Label is null)
            {
                problems.Add(("$.behaviours", "'label' is required by labelled-impressions: the column of the impression's label"));
            }

            foreach (var (value, key) in new[] { (behaviours.TimeFrom, "time_from"), (behaviours.TimeUntil, "time_until") })
            {
                if (value is not null && !TryParseTime(value, out _))
                {
                    problems.Add(($"$.behaviours.{key}", $"'{value}' is neither unix seconds nor an ISO date/time"));
                }
            }

            if (behaviours.Duplicates is not (null or "keep" or "drop"))
            {
                problems.Add(("$.behaviours.duplicates", $"must be keep or drop (got '{behaviours.Duplicates}')"));
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        if (schema.Users is { } users)
        {
            CheckTable(users, "$.users", "user_id", names, problems);
            if (users.Attribute is not null)
            {
                problems.Add(("$.users.attribute", "only items have an attribute (FIT's e_c); remove it here"));
            }
        }

        names.Clear();
        if (schema.Items is { } items)
        {
            CheckTable(items, "$.items", "item_id", names, problems);
            for (var i = 0; i < (items.Attribute?.Count ?? 0); i++)
            {
                if (!names.Contains(items.Attribute![i]))
                {
                    problems.Add(($"$.items.attribute[{i}]", $"'{items.Attribute[i]}' is not one of the item features ({string.Join(", ", names)})"));
                }
            }
        }
    }

    private static void CheckTable(FeatureTable table, string path, string reservedName, HashSet<string> names, List<(string, string)> problems)
    {
        CheckSource(table, path, problems);
        Require(table.Id, path, "id", "the column of the id", problems);
        if (table.Universe is not (null or "behaviours" or "table"))
        {
            problems.Add(($"{path}.universe", $"must be behaviours or table (got '{table.Universe}')"));
        }

        var features = table.Features ?? [];
        for (var i = 0; i < features.Count; i++)
        {
            var at = $"{path}.features[{i}]";
            var feature = features[i];
            if (feature is null)
            {
                problems.Add((at, "a feature must be an object"));
                continue;
            }

            if (string.IsNullOrEmpty(feature.Name))
            {
                problems.Add((at, "'name' is required"));
            }
            else if (!FeatureNamePattern().IsMatch(feature.Name) || feature.Name == reservedName)
            {
                problems.Add(($"{at}.name", $"'{feature.Name}' is not a feature name: lowercase snake_case, not '{reservedName}' (the id is always the first feature)"));
            }
            else if (!names.Add(feature.Name))
            {
                problems.Add(($"{at}.name", $"feature '{feature.Name}' is declared twice"));
            }

            switch (feature.Kind)
            {
                case null:
                    problems.Add((at, $"'kind' is required: {string.Join(", ", FeatureKinds)}"));
                    break;
                case "categorical" or "multi-valued" or "numeric":
                    break;
                default:
                    problems.Add(($"{at}.kind", $"unknown kind '{feature.Kind}'; known: {string.Join(", ", FeatureKinds)}"));
                    break;
            }

            if (feature.Separator is not null && (feature.Kind != "multi-valued" || feature.Separator.Length == 0))
            {
                problems.Add(($"{at}.separator", "a separator belongs to a multi-valued feature and is not empty"));
            }

            if (feature.Kind == "numeric")
            {
                if (feature.Buckets is not { Count: > 0 } buckets)
                {
                    problems.Add((at, "a numeric feature needs 'buckets': ascending boundaries such as [10, 100, 1000]"));
                }
                else
                {
                    for (var b = 0; b < buckets.Count; b++)
                    {
                        if (!double.IsFinite(buckets[b]) || (b > 0 && buckets[b] <= buckets[b - 1]))
                        {
                            problems.Add(($"{at}.buckets[{b}]", "bucket boundaries must be finite and strictly ascending"));
                        }
                    }
                }
            }
            else if (feature.Buckets is not null)
            {
                problems.Add(($"{at}.buckets", "buckets belong to a numeric feature"));
            }

            if (feature.Values is { } values)
            {
                if (feature.Kind != "categorical")
                {
                    problems.Add(($"{at}.values", "a fixed vocabulary belongs to a categorical feature"));
                }
                else if (values.Count == 0 || values.Any(string.IsNullOrEmpty) || values.Distinct(StringComparer.Ordinal).Count() != values.Count)
                {
                    problems.Add(($"{at}.values", "a fixed vocabulary lists distinct, non-empty values"));
                }
            }
        }
    }

    private static void CheckSource(TableSource source, string path, List<(string, string)> problems)
    {
        if ((source.File is null) == (source.Query is null))
        {
            problems.Add((path, "give exactly one of 'file' and 'query'"));
            return;
        }

        if (source.Query is not null)
        {
            if (source.Format is not null || source.Delimiter is not null || source.Header is not null || source.ColumnNames is not null
                || source.Encoding is not null || source.Quote is not null || source.NullValue is not null || source.ColumnTypes is not null)
            {
                problems.Add((path, "file options (format, delimiter, header, column_names, column_types, encoding, quote, null_value) do not apply to a query: pass them to read_csv inside it"));
            }

            return;
        }

        var format = source.Format ?? FormatOf(source.File!);
        if (format is null)
        {
            problems.Add(($"{path}.file", $"cannot tell the format of '{source.File}' from its extension; give 'format': {string.Join(", ", Formats)}"));
        }
        else if (!Formats.Contains(format))
        {
            problems.Add(($"{path}.format", $"unknown format '{format}'; known: {string.Join(", ", Formats)}"));
        }
        else if (format is "jsonl" or "parquet"
            && (source.Delimiter is not null || source.Header is not null || source.ColumnNames is not null || source.Encoding is not null || source.Quote is not null
                || source.NullValue is not null || source.ColumnTypes is not null))
        {
            problems.Add((path, $"delimiter, header, column_names, column_types, encoding, quote and null_value are CSV/TSV options, not {format}"));
        }

        if (source.Encoding is not (null or "utf-8" or "latin-1" or "utf-16"))
        {
            problems.Add(($"{path}.encoding", $"must be utf-8, latin-1 or utf-16 (got '{source.Encoding}')"));
        }

        if (source.Delimiter is { } delimiter && (delimiter.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(delimiter) > 4))
        {
            problems.Add(($"{path}.delimiter", "a delimiter has 1 to 4 bytes"));
        }

        if (source.Quote is { Length: > 1 })
        {
            problems.Add(($"{path}.quote", "a quote is one character, or empty for none"));
        }

        if (source.ColumnNames is { } columns && source.Header is not false)
        {
            problems.Add(($"{path}.column_names", "column_names name the columns of a file without a header: set \"header\": false"));
        }
    }

    /// <summary>The format implied by a file name's extension (<c>.gz</c> ignored), or null.</summary>
    internal static string? FormatOf(string file)
    {
        var name = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? file[..^3] : file;
        return Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".csv" => "csv",
            ".tsv" or ".tab" => "tsv",
            ".jsonl" or ".ndjson" or ".json" => "jsonl",
            ".parquet" => "parquet",
            _ => null,
        };
    }

    private static void Require(string? value, string path, string key, string what, List<(string, string)> problems)
    {
        if (string.IsNullOrEmpty(value))
        {
            problems.Add((path, $"'{key}' is required: {what}"));
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex FeatureNamePattern();
}
