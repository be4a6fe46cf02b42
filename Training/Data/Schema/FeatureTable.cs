namespace FitCluster.Training.Data.Schema;

/// <summary>A user or item feature table: its id column, its features and which ids get an index.</summary>
public sealed record FeatureTable : TableSource
{
    /// <summary>Column of the user or item id, matching the behaviour log's ids. Required.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// <c>behaviours</c> (default): only ids seen in the kept behaviours (or impressions) get an index, and table rows of
    /// other ids are ignored. <c>table</c>: every id of the table gets an index, and a behaviour of an id missing from the
    /// table is dropped ("unknown user" / "unknown item").
    /// </summary>
    public string? Universe { get; init; }

    /// <summary>The features, in the order they enter the model.</summary>
    public IReadOnlyList<FeatureSpec>? Features { get; init; }

    /// <summary>
    /// Items only: the features that form FIT's item attribute e_c (with the item id, eq. 4) and describe each behaviour
    /// of the user's sequence. Default: none (the item id alone).
    /// </summary>
    public IReadOnlyList<string>? Attribute { get; init; }
}
