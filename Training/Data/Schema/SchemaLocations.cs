using System.Text.Json;

namespace FitCluster.Training.Data.Schema;

/// <summary>
/// The line and column of every value of a JSON document by its path, so that a problem found after deserialisation
/// (a missing column, an unknown kind) can be reported where it is written.
/// </summary>
/// <remarks>Thread-safe once built (read-only).</remarks>
public sealed class SchemaLocations
{
    private readonly Dictionary<string, SchemaLocation> _byPath = new(StringComparer.Ordinal);

    /// <summary>Indexes <paramref name="utf8"/>; a syntax error is left for the deserialiser to report.</summary>
    public SchemaLocations(ReadOnlySpan<byte> utf8)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var frames = new Stack<Frame>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.Pop();
                        continue;
                }

                // A value: its path is the parent's plus the property name or the array index.
                var path = frames.TryPeek(out var parent)
                    ? parent.IsArray ? $"{parent.Path}[{parent.NextIndex++}]" : $"{parent.Path}.{property}"
                    : "$";
                property = null;
                _byPath.TryAdd(path, At(path, (int)reader.TokenStartIndex, lineStarts));
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    frames.Push(new Frame(path, reader.TokenType == JsonTokenType.StartArray));
                }
            }
        }
        catch (JsonException)
        {
            // The deserialiser reports syntax errors with their own line and column.
        }
    }

    /// <summary>The location of <paramref name="path"/>, else of its nearest ancestor that has one, else null.</summary>
    public SchemaLocation? Find(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (_byPath.TryGetValue(p, out var location))
            {
                return location with { Path = path };
            }
        }

        return null;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut > 0 ? path[..cut] : string.Empty;
    }

    private sealed class Frame(string path, bool isArray)
    {
        public string Path { get; } = path;

        public bool IsArray { get; } = isArray;

        public int NextIndex { get; set; }
    }

    private static SchemaLocation At(string path, int offset, List<int> lineStarts)
    {
        var line = lineStarts.BinarySearch(offset);
        line = line >= 0 ? line : ~line - 1;
        return new SchemaLocation(path, line + 1, offset - lineStarts[line] + 1);
    }
}
