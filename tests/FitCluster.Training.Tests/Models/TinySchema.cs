using FitCluster.Training.Data;
using FitCluster.Training.Models;
using static TorchSharp.torch;

namespace FitCluster.Training.Tests.Models;

/// <summary>A hand-sized dataset schema and batch for model tests.</summary>
internal static class TinySchema
{
    // 6 item indices (0 = padding); genres (vocab 4, width 2) feed e_c; year (vocab 3) only the item tower.
    public static FeatureSchema Create() => new(
        UserFieldVocabSizes: [5, 3],
        ItemVocabSize: 6,
        ItemFields:
        [
            new CategoricalField("genres", 4, 2, [0, 0, 1, 0, 1, 2, 3, 0, 2, 3, 1, 3]),
            new CategoricalField("year", 3, 1, [0, 1, 2, 1, 2, 1]),
        ],
        SequenceItemFields: ["genres"]);

    public static ModelInput Batch() => new(
        tensor(new long[] { 1, 2, 3, 1, 4, 2 }, [3, 2]),
        tensor(new long[] { 1, 4, 5 }),
        tensor(new long[] { 2, 3, 0, 0, 5, 4, 3, 2, 1, 2, 0, 0 }, [3, 4]));

    public static ModelOptions SmallFit(QueryMode mode = QueryMode.SoftDecaying) => new()
    {
        TowerHidden = [8, 8, 6],
        AttentionHidden = [6, 4],
        MetaSize = 4,
        HeadDim = 3,
        EmbeddingDim = 4,
        QueryMode = mode,
        EmbeddingInitStd = 0.5,
    };
}
