namespace FitCluster.Model.Ranking;

/// <summary>One ranking request in raw values, as a client sends it.</summary>
/// <param name="UserFeatures">Raw value of every user feature the model has, by feature name.</param>
/// <param name="Behaviours">Item keys of the user's behaviours, oldest first; the latest <c>SequenceLength</c> are used.</param>
/// <param name="Candidates">Item keys to score (distinct).</param>
/// <param name="K">How many of the best to return (≥ 1); fewer when fewer candidates are known.</param>
public sealed record RankQuery(
    IReadOnlyDictionary<string, string> UserFeatures,
    IReadOnlyList<string> Behaviours,
    IReadOnlyList<string> Candidates,
    int K);
