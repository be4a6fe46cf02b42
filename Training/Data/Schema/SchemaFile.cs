namespace FitCluster.Training.Data.Schema;

/// <summary>A checked dataset schema with where it came from.</summary>
/// <param name="Path">Absolute path of the schema file.</param>
/// <param name="Schema">The schema.</param>
/// <param name="Locations">Line and column of every value, for errors found while reading the data.</param>
/// <param name="Text">The schema's UTF-8 bytes (part of the cache key).</param>
public sealed record SchemaFile(string Path, DatasetSchema Schema, SchemaLocations Locations, byte[] Text)
{
    /// <summary>An error about the value at <paramref name="jsonPath"/>, located in the schema file.</summary>
    public SchemaException Error(string jsonPath, string problem) => new(Path, Locations.Find(jsonPath), problem);
}
