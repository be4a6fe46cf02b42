using System.Text.Json;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;

namespace FitCluster.LoadTest;

/// <summary>
/// What the load generator needs from an exported artifact: its model version, item ids (from the item table's id
/// section, at most <see cref="MaxItems"/>), the history length the model reads (<c>dims.sequence_length</c>) and real
/// users (the golden set's user features). Read from <c>manifest.json</c>, <c>golden.json</c> and the ids of the item
/// table; the weights and heads are never opened.
/// </summary>
/// <param name="ModelVersion">The artifact's model version.</param>
/// <param name="ItemKeys">Item ids the model knows: every one, or the first <see cref="MaxItems"/> in table order.</param>
/// <param name="SequenceLength">How many behaviours the model reads; the generator sends exactly this many.</param>
/// <param name="Users">User features (name → raw value) of the golden requests, at least one.</param>
public sealed record ArtifactSample(
    string ModelVersion,
    IReadOnlyList<string> ItemKeys,
    int SequenceLength,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Users)
{
    /// <summary>Most item ids sampled from a catalog (the first ones in the table's hash order: a uniform-looking sample).</summary>
    public const int MaxItems = 1_000_000;

    /// <summary>Reads <paramref name="directory"/>/manifest.json, golden.json and the item table's ids.</summary>
    /// <exception cref="InvalidDataException">A file is missing, malformed or lacks a field the generator needs.</exception>
    public static ArtifactSample Load(string directory)
    {
        using var manifest = ReadJson(Path.Combine(directory, "manifest.json"));
        using var golden = ReadJson(Path.Combine(directory, "golden.json"));
        var root = manifest.RootElement;
        var modelVersion = Required(root, "model_version", "manifest.json").GetString() ?? "";
        var sequenceLength = Required(Required(root, "dims", "manifest.json"), "sequence_length", "manifest.json").GetInt32();
        var table = Required(Required(root, "item_table", "manifest.json"), "file", "manifest.json").GetString() ?? "";
        List<string> itemKeys;
        try
        {
            itemKeys = [.. ItemTableFile.Open(Path.Combine(directory, Path.GetFileName(table))).ReadIds().Take(MaxItems)];
        }
        catch (ArtifactException e)
        {
            throw new InvalidDataException(e.Message, e);
        }

        var users = new List<IReadOnlyDictionary<string, string>>();
        foreach (var request in Required(golden.RootElement, "requests", "golden.json").EnumerateArray())
        {
            var user = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var feature in Required(request, "user_features", "golden.json").EnumerateObject())
            {
                // The gateway accepts strings or numbers; the raw value is sent as a string either way.
                user[feature.Name] = feature.Value.ValueKind == JsonValueKind.String ? feature.Value.GetString()! : feature.Value.GetRawText();
            }

            users.Add(user);
        }

        if (itemKeys.Count == 0 || users.Count == 0 || sequenceLength < 1)
        {
            throw new InvalidDataException($"{directory}: needs items, dims.sequence_length ≥ 1 and at least one golden request");
        }

        return new ArtifactSample(modelVersion, itemKeys, sequenceLength, users);
    }

    private static JsonDocument ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: not found (is this an artifact folder written by ./fit export?)");
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: malformed JSON ({e.Message})", e);
        }
    }

    private static JsonElement Required(JsonElement element, string name, string file) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value
            : throw new InvalidDataException($"{file}: missing '{name}'");
}
