namespace FitCluster.Model.Artifacts;

/// <summary>An ONNX graph in the artifact and the names and shapes of its inputs and outputs.</summary>
/// <param name="File">File name inside the artifact folder.</param>
/// <param name="Inputs">Input name → shape (-1 for a dynamic dimension).</param>
/// <param name="Outputs">Output name → shape (-1 for a dynamic dimension).</param>
public sealed record OnnxGraphEntry(string File, IReadOnlyDictionary<string, IReadOnlyList<long>> Inputs, IReadOnlyDictionary<string, IReadOnlyList<long>> Outputs);
