namespace FitCluster.LoadTest;

/// <summary>Body of <c>POST /v1/rank</c> as the generator sends it (snake_case on the wire, see <see cref="LoadTestJsonContext"/>).</summary>
/// <param name="User">User features by name, raw values.</param>
/// <param name="Behaviours">Item ids the user interacted with, oldest first.</param>
/// <param name="Candidates">Distinct item ids to rank.</param>
/// <param name="K">How many of the best to return.</param>
/// <param name="ModelVersion">The model version to use; null for the cluster's active one.</param>
public sealed record RankRequestJson(
    IReadOnlyDictionary<string, string> User,
    IReadOnlyList<string> Behaviours,
    IReadOnlyList<string> Candidates,
    int K,
    string? ModelVersion);
