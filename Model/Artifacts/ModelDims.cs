namespace FitCluster.Model.Artifacts;

/// <summary>Every dimension of an exported model.</summary>
/// <param name="EmbeddingDim">Embedding width of each categorical feature (16 in the paper).</param>
/// <param name="ItemAttributeDim">D: width of the item attribute embedding e_c and of each behaviour.</param>
/// <param name="MetaSize">N: branches of the user tower (hard queries); 1 for Two-Tower.</param>
/// <param name="UserHeads">H_u: user sub-spaces (1 for Two-Tower).</param>
/// <param name="ItemHeads">H_v: item sub-spaces (1 for Two-Tower).</param>
/// <param name="HeadDim">p: width of each sub-space (the tower output width for Two-Tower).</param>
/// <param name="LssWidth">d: width of LSS's row-wise and column-wise FC (0 for Two-Tower).</param>
/// <param name="SequenceLength">Longest behaviour sequence the model was trained with (the latest behaviours are kept).</param>
/// <param name="ItemCount">Rows of the item table.</param>
/// <param name="AttentionHidden">DIN attention hidden widths (empty for Two-Tower).</param>
/// <param name="TowerHidden">FC tower widths.</param>
public sealed record ModelDims(
    int EmbeddingDim,
    int ItemAttributeDim,
    int MetaSize,
    int UserHeads,
    int ItemHeads,
    int HeadDim,
    int LssWidth,
    int SequenceLength,
    int ItemCount,
    IReadOnlyList<int> AttentionHidden,
    IReadOnlyList<int> TowerHidden)
{
    /// <summary>Floats per user branch: H_u × p.</summary>
    public int UserHeadSize => UserHeads * HeadDim;

    /// <summary>Floats per item: H_v × p.</summary>
    public int ItemHeadSize => ItemHeads * HeadDim;
}
