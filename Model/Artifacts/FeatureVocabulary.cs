namespace FitCluster.Model.Artifacts;

/// <summary>A categorical feature's vocabulary: the raw value of each embedding row.</summary>
/// <param name="Name">Feature name (<c>user_id</c>, <c>gender</c>, <c>genres</c>...).</param>
/// <param name="Labels">Raw value of each row; row 0 is padding / unknown and its label is empty.</param>
/// <param name="Width">Values per entity: 1, or the most values of a multi-valued feature (mean-pooled).</param>
public sealed record FeatureVocabulary(string Name, IReadOnlyList<string> Labels, int Width);
