namespace FitCluster.Training.Data.Schema;

/// <summary>A place in a schema file.</summary>
/// <param name="Path">JSON path (<c>$.items.features[1].kind</c>).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column (in bytes of UTF-8 text).</param>
public sealed record SchemaLocation(string Path, int Line, int Column);
