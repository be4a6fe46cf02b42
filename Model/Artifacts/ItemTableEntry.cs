namespace FitCluster.Model.Artifacts;

/// <summary>Where the item table is and how its heads are stored.</summary>
/// <param name="File">File name inside the artifact folder.</param>
/// <param name="DataType"><c>float32</c> or <c>float16</c>.</param>
public sealed record ItemTableEntry(string File, string DataType);
