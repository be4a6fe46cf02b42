namespace FitCluster.Model.Artifacts;

/// <summary>One golden request: a user, their behaviours, candidates and the trainer's score of each candidate.</summary>
/// <param name="UserFeatures">Raw value of every user feature, by feature name.</param>
/// <param name="Behaviours">Item keys of the user's behaviours, oldest first.</param>
/// <param name="Candidates">Item keys to score.</param>
/// <param name="Scores">The trainer's eval-mode logit of each candidate.</param>
public sealed record GoldenRequest(
    IReadOnlyDictionary<string, string> UserFeatures,
    IReadOnlyList<string> Behaviours,
    IReadOnlyList<string> Candidates,
    IReadOnlyList<float> Scores);
