namespace FitCluster.Grains.Interfaces;

/// <summary>Why a request was refused.</summary>
/// <param name="Code">Stable machine-readable code: <c>invalid_request</c>, <c>unknown_model_version</c>, <c>model_refused</c>
/// (the version failed its artifact checks), <c>no_active_model</c>, <c>shard_unavailable</c>, <c>timeout</c>,
/// <c>unknown_user</c> (a request by user id names a user nothing was stored for).</param>
/// <param name="Message">What was wrong, for people.</param>
[GenerateSerializer, Immutable, Alias("fit.RankError")]
public sealed record RankError(string Code, string Message);
