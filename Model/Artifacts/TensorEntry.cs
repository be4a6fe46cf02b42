namespace FitCluster.Model.Artifacts;

/// <summary>One dense little-endian float32 tensor inside the weights file.</summary>
/// <param name="Name">Tensor name, e.g. <c>lss.row_fc.weight</c>.</param>
/// <param name="Offset">Byte offset in the weights file (64-byte aligned).</param>
/// <param name="Shape">Row-major shape.</param>
/// <param name="DataType">Always <c>float32</c> in format version 1.</param>
public sealed record TensorEntry(string Name, long Offset, IReadOnlyList<int> Shape, string DataType);
