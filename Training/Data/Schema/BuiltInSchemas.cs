namespace FitCluster.Training.Data.Schema;

/// <summary>
/// The schemas of built-in datasets whose public files need no code of their own, embedded from <c>examples/</c>:
/// <c>--dataset ml-1m</c> is <c>examples/ml-1m/schema.json</c> over the GroupLens files.
/// </summary>
/// <remarks>Thread-safe: each call parses the embedded bytes afresh.</remarks>
public static class BuiltInSchemas
{
    /// <summary>MovieLens-1M over <c>ratings.dat</c>, <c>users.dat</c> and <c>movies.dat</c>.</summary>
    public static SchemaFile MovieLens1M() => Read("ml-1m", "examples/ml-1m/schema.json");

    private static SchemaFile Read(string name, string source)
    {
        using var stream = typeof(BuiltInSchemas).Assembly.GetManifestResourceStream($"FitCluster.Training.Schemas.{name}.json")
            ?? throw new InvalidOperationException($"The built-in schema '{name}' is not embedded in the trainer.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return DatasetSchemaReader.Parse(bytes.ToArray(), $"{source} (built in)");
    }
}
