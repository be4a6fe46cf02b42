namespace FitCluster.Training.Export;

/// <summary>What the item tower graph needs: embedding tables, the folded FC stack, FIT's item heads layer and Q*ᵀ.</summary>
/// <param name="ItemIdTable">Item id embeddings, <c>[V, e]</c>.</param>
/// <param name="Fields">Item features in the tower's input order.</param>
/// <param name="Layers">The FC stack with batch norms folded, input-major.</param>
/// <param name="Heads">FIT's item heads layer (eq. 12); null for Two-Tower.</param>
/// <param name="QueryGroupTransposed">FIT's Q*ᵀ, <c>[D, N]</c>; null for Two-Tower.</param>
public sealed record ItemTowerWeights(
    float[] ItemIdTable,
    IReadOnlyList<ItemFieldWeights> Fields,
    IReadOnlyList<DenseWeights> Layers,
    DenseWeights? Heads,
    float[]? QueryGroupTransposed);

/// <summary>One item feature of the item tower.</summary>
/// <param name="Name">Feature name, also the graph input's name.</param>
/// <param name="Width">Values per item.</param>
/// <param name="Table">Embedding table, <c>[vocab, e]</c>.</param>
/// <param name="InAttributes">Whether the feature is part of e_c (FIT, eq. 4).</param>
public sealed record ItemFieldWeights(string Name, int Width, float[] Table, bool InAttributes);

/// <summary>A dense layer, input-major.</summary>
/// <param name="Weight"><c>[Inputs, Outputs]</c>.</param>
/// <param name="Bias"><c>[Outputs]</c>.</param>
/// <param name="Inputs">Input width.</param>
/// <param name="Outputs">Output width.</param>
/// <param name="Relu">Whether ReLU follows.</param>
public sealed record DenseWeights(float[] Weight, float[] Bias, int Inputs, int Outputs, bool Relu);
