namespace FitCluster.Model.Artifacts;

/// <summary>
/// <c>manifest.json</c>: everything serving needs to know about one exported model version, and the checksum of every
/// other file in the artifact folder. The format is documented in <c>docs/artifact.md</c>.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>The manifest format this build reads and writes.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>File name of the manifest inside an artifact folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Artifact format version; a reader refuses any other.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>Unique id of this model version, e.g. <c>fit-ml-1m-20261124T101500Z-3f2a9c1b</c>.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>The architecture: <see cref="ModelKinds.Fit"/> or <see cref="ModelKinds.TwoTower"/>.</summary>
    public required string ModelKind { get; init; }

    /// <summary>The trainer's model name (preset), e.g. <c>fit</c>, <c>fit-hard-query</c>, <c>two-tower</c>.</summary>
    public required string ModelName { get; init; }

    /// <summary>UTC creation time, ISO 8601.</summary>
    public required string CreatedUtc { get; init; }

    /// <summary>Dataset the model was trained on (<c>ml-1m</c>, <c>synthetic</c>).</summary>
    public required string Dataset { get; init; }

    /// <summary>The training run's metrics (test AUC, test logloss, validation AUC, best epoch, seed...).</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>Every dimension of the model.</summary>
    public required ModelDims Dims { get; init; }

    /// <summary>User features in the order of the user tower's <c>user_fields</c> input.</summary>
    public required IReadOnlyList<FeatureVocabulary> UserFields { get; init; }

    /// <summary>Item features other than the id, in the order of the item tower's inputs.</summary>
    public required IReadOnlyList<FeatureVocabulary> ItemFields { get; init; }

    /// <summary>How a user head and an item head make a score: <see cref="ScorerKinds.Lss"/> or <see cref="ScorerKinds.Dot"/>.</summary>
    public required string Scorer { get; init; }

    /// <summary>The item table: raw id, item index, query index and heads of every item, in hash buckets of the id.</summary>
    public required ItemTableEntry ItemTable { get; init; }

    /// <summary>Dense float32 tensors in <see cref="WeightsFile"/>: LSS weights and the folded user tower.</summary>
    public required IReadOnlyList<TensorEntry> Tensors { get; init; }

    /// <summary>File holding <see cref="Tensors"/>.</summary>
    public required string WeightsFile { get; init; }

    /// <summary>ONNX graph of the user tower: all N branches at once (§4.3.2).</summary>
    public required OnnxGraphEntry UserTower { get; init; }

    /// <summary>ONNX graph of the item tower: heads and query index of new items.</summary>
    public required OnnxGraphEntry ItemTower { get; init; }

    /// <summary>Golden requests with the trainer's eval-mode scores, which serving must reproduce.</summary>
    public required GoldenEntry Golden { get; init; }

    /// <summary>What the exporter checked before writing (largest differences against the trainer).</summary>
    public required IReadOnlyDictionary<string, double> Verification { get; init; }

    /// <summary>Every other file in the folder with its SHA-256 (lowercase hex) and size.</summary>
    public required IReadOnlyDictionary<string, FileEntry> Files { get; init; }
}
