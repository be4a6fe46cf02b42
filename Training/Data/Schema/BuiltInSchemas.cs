using System.Text;

namespace FitCluster.Training.Data.Schema;

/// <summary>
/// The schemas of built-in datasets whose public files need no code of their own, embedded from <c>examples/</c>:
/// <c>--dataset ml-1m</c> is <c>examples/ml-1m/schema.json</c> over the GroupLens files, <c>--dataset taobao</c> is
/// <c>examples/taobao/schema.json</c> over the Tianchi files (each plain or gzipped).
/// </summary>
/// <remarks>Thread-safe: each call parses the embedded bytes afresh.</remarks>
public static class BuiltInSchemas
{
    /// <summary>The three files of the Taobao Display Ad Click dataset the schema reads, as the schema names them.</summary>
    public static IReadOnlyList<string> TaobaoFiles { get; } = ["raw_sample.csv", "ad_feature.csv", "user_profile.csv"];

    /// <summary>MovieLens-1M over <c>ratings.dat</c>, <c>users.dat</c> and <c>movies.dat</c>.</summary>
    public static SchemaFile MovieLens1M() => Read("ml-1m", "examples/ml-1m/schema.json", []);

    /// <summary>
    /// Taobao Display Ad Click over the files in <paramref name="dataDirectory"/>: each of <see cref="TaobaoFiles"/> as
    /// published or gzipped (<c>NAME.gz</c>; the plain file where both exist), which DuckDB reads either way.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is in the folder neither plain nor gzipped (the message names it).</exception>
    public static SchemaFile Taobao(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var renames = new List<(string From, string To)>();
        foreach (var name in TaobaoFiles)
        {
            if (File.Exists(Path.Combine(dataDirectory, name)))
            {
                continue;
            }

            if (!File.Exists(Path.Combine(dataDirectory, name + ".gz")))
            {
                throw new FileNotFoundException(
                    $"Taobao: '{name}' (or '{name}.gz') is not in '{dataDirectory}'; the dataset needs {string.Join(", ", TaobaoFiles)}.",
                    Path.Combine(dataDirectory, name));
            }

            // The schema names each file once as a quoted literal: in the query ('…') or as a JSON string value ("…").
            renames.Add(($"'{name}'", $"'{name}.gz'"));
            renames.Add(($"\"{name}\"", $"\"{name}.gz\""));
        }

        return Read("taobao", "examples/taobao/schema.json", renames);
    }

    private static SchemaFile Read(string name, string source, IReadOnlyList<(string From, string To)> renames)
    {
        using var stream = typeof(BuiltInSchemas).Assembly.GetManifestResourceStream($"FitCluster.Training.Schemas.{name}.json")
            ?? throw new InvalidOperationException($"The built-in schema '{name}' is not embedded in the trainer.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        foreach (var (from, to) in renames)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        return DatasetSchemaReader.Parse(Encoding.UTF8.GetBytes(text), $"{source} (built in)");
    }
}
