namespace FitCluster.Training.Data.Schema;

/// <summary>
/// A dataset described by one JSON file: where its behaviour log and optional feature tables are, what each column
/// means, and which protocol turns it into samples. Read with <see cref="DatasetSchemaReader"/>, loaded with
/// <see cref="SchemaDatasetLoader"/>; docs/training.md ("Your own data") documents every key with a complete example.
/// </summary>
/// <remarks>JSON keys are the snake_case of the property names (<c>user_table</c>, <c>min_behaviours</c>).</remarks>
public sealed record DatasetSchema
{
    /// <summary>Dataset name used in metrics, run folders and the exported artifact (snake or kebab case: <c>my-shop</c>).</summary>
    public string? Name { get; init; }

    /// <summary>Free text for people reading the schema; not used.</summary>
    public string? Description { get; init; }

    /// <summary>The behaviour / impression log: one row per event. Required.</summary>
    public BehaviourTable? Behaviours { get; init; }

    /// <summary>Optional user feature table (one row per user).</summary>
    public FeatureTable? Users { get; init; }

    /// <summary>Optional item feature table (one row per item).</summary>
    public FeatureTable? Items { get; init; }

    /// <summary>How samples are made and split; default next behaviour with sampled negatives.</summary>
    public ProtocolSpec? Protocol { get; init; }
}
