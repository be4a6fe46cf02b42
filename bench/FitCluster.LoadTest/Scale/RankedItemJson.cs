namespace FitCluster.LoadTest.Scale;

/// <summary>An item of a <c>POST /v1/rank</c> answer's top-k.</summary>
/// <param name="ItemId">The item id.</param>
/// <param name="Score">Its score (logit).</param>
public sealed record RankedItemJson(string ItemId, float Score);
