namespace FitCluster.Training.Models;

/// <summary>Architecture hyper-parameters. Defaults follow FIT §5.1.4.</summary>
public sealed record ModelOptions
{
    /// <summary>Default categorical embedding dimension d (16).</summary>
    public const int DefaultEmbeddingDim = 16;

    /// <summary>Default item meta vector count N (64).</summary>
    public const int DefaultMetaSize = 64;

    /// <summary>Default LSS head count H_u = H_v (2).</summary>
    public const int DefaultHeads = 2;

    /// <summary>Default LSS sub-space dimension p (64).</summary>
    public const int DefaultHeadDim = 64;

    /// <summary>Model family.</summary>
    public ModelKind Kind { get; init; } = ModelKind.Fit;

    /// <summary>Name used on the command line and in metrics (one of <see cref="PresetNames"/>).</summary>
    public string Name { get; init; } = "fit";

    /// <summary>Embedding dimension d of every categorical feature; also LSS's row/column FC width (FIT §4.2). Default 16.</summary>
    public int EmbeddingDim { get; init; } = DefaultEmbeddingDim;

    /// <summary>Widths of each tower's FC layers (FIT §5.1.4: [300, 300, 128]).</summary>
    public IReadOnlyList<int> TowerHidden { get; init; } = [300, 300, 128];

    /// <summary>Hidden widths of DIN's attention network before its scalar output (FIT §5.1.4: [64, 16, 1]).</summary>
    public IReadOnlyList<int> AttentionHidden { get; init; } = [64, 16];

    /// <summary>Item meta vector count N (FIT §4.1). Default 64.</summary>
    public int MetaSize { get; init; } = DefaultMetaSize;

    /// <summary>User sub-space count H_u (FIT, eq. 11). Default 2.</summary>
    public int UserHeads { get; init; } = DefaultHeads;

    /// <summary>Item sub-space count H_v (FIT, eq. 12). Default 2.</summary>
    public int ItemHeads { get; init; } = DefaultHeads;

    /// <summary>Sub-space dimension p (FIT, eq. 11–12). Default 64.</summary>
    public int HeadDim { get; init; } = DefaultHeadDim;

    /// <summary>Query used by the interaction unit (FIT only).</summary>
    public QueryMode QueryMode { get; init; } = QueryMode.SoftDecaying;

    /// <summary>Whether the query group is Q* = (QQᵀ)Q (FIT, eq. 5) or Q itself (Fig. 5 ablation). Default true.</summary>
    public bool SelfAttention { get; init; } = true;

    /// <summary>
    /// FIT: whether the towers' last FC layer is linear (no BatchNorm + ReLU). Null (default): linear with the dot
    /// product (as Two-Tower), activated with LSS, sum-max and FC (the paper's "FC layers … with ReLU"). The paper does
    /// not say whether the last layer keeps its ReLU. With LSS both forms are servable: export folds a linear last layer
    /// into the heads.
    /// </summary>
    public bool? LinearTowerOutput { get; init; }

    /// <summary>Whether FIT's towers end in a linear layer: <see cref="LinearTowerOutput"/>, or by default with the dot product.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool TowerOutputIsLinear => LinearTowerOutput ?? Scorer == FitScorer.Dot;

    /// <summary>Standard deviation of the normal initialisation of every embedding table. Default 0.01.</summary>
    public double EmbeddingInitStd { get; init; } = 0.01;

    /// <summary>Two-Tower: initial value of the learned smoothing factor γ that scales the cosine (DSSM). Default 5.</summary>
    public double TwoTowerInitialScale { get; init; } = 5.0;

    /// <summary>Dropout after each hidden tower layer (0 = none, the paper's setting).</summary>
    public double Dropout { get; init; }

    /// <summary>FIT's output layer: LSS, or a §5.4.1 ablation's replacement. Default <see cref="FitScorer.Lss"/>.</summary>
    public FitScorer Scorer { get; init; } = FitScorer.Lss;

    /// <summary>DAT: weight λ of the adaptive-mimic loss λ(loss_u + loss_v) beside the cross-entropy. Default 1.</summary>
    public double DatMimicWeight { get; init; } = 1.0;

    /// <summary>
    /// Weight λ of IntTower's contrastive regulariser beside the cross-entropy (0 turns it off). Default 0; the
    /// <c>inttower</c> preset sets <see cref="IntTowerContrastiveWeight"/>, and <c>fit-cir</c> adds the same regulariser to FIT.
    /// </summary>
    public double ContrastiveWeight { get; init; }

    /// <summary>IntTower's λ (and <c>fit-cir</c>'s): 0.1.</summary>
    public const double IntTowerContrastiveWeight = 0.1;

    /// <summary>IntTower (and <c>fit-cir</c>): temperature τ of the contrastive regulariser's in-batch softmax. Default 0.1.</summary>
    public double ContrastiveTemperature { get; init; } = 0.1;

    /// <summary>Named presets accepted by <c>--model</c>: the six models of Table 1, the DIN upper bound and FIT's ablations.</summary>
    public static IReadOnlyList<string> PresetNames { get; } =
    [
        "fit", "two-tower", "dat", "cold", "inttower", "ranktower", "din-target",
        "fit-no-mqm", "fit-no-lss", "fit-summax", "fit-fc", "fit-hard-query", "fit-soft-no-temperature", "fit-no-self-attention",
        "fit-cir",
    ];

    /// <summary>The options of a named preset (see <see cref="PresetNames"/>).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ModelOptions Preset(string name) => name switch
    {
        "fit" => new ModelOptions(),
        "two-tower" => new ModelOptions { Kind = ModelKind.TwoTower, Name = name },
        "dat" => new ModelOptions { Kind = ModelKind.Dat, Name = name },
        "cold" => new ModelOptions { Kind = ModelKind.Cold, Name = name },
        "inttower" => new ModelOptions { Kind = ModelKind.IntTower, Name = name, ContrastiveWeight = IntTowerContrastiveWeight },
        "ranktower" => new ModelOptions { Kind = ModelKind.RankTower, Name = name },
        "din-target" => new ModelOptions { Name = name, QueryMode = QueryMode.ExactTarget },
        "fit-no-mqm" => new ModelOptions { Name = name, QueryMode = QueryMode.AveragePooling },
        "fit-no-lss" => new ModelOptions { Name = name, Scorer = FitScorer.Dot },
        "fit-summax" => new ModelOptions { Name = name, Scorer = FitScorer.SumMax },
        "fit-fc" => new ModelOptions { Name = name, Scorer = FitScorer.Fc },
        "fit-hard-query" => new ModelOptions { Name = name, QueryMode = QueryMode.Hard },
        "fit-soft-no-temperature" => new ModelOptions { Name = name, QueryMode = QueryMode.SoftFixed },
        "fit-no-self-attention" => new ModelOptions { Name = name, SelfAttention = false },
        "fit-cir" => new ModelOptions { Name = name, ContrastiveWeight = IntTowerContrastiveWeight },
        _ => throw new ArgumentException($"Unknown model '{name}'. Known: {string.Join(", ", PresetNames)}.", nameof(name)),
    };
}
