namespace FitCluster.Model.Ranking;

/// <summary>A candidate in the top-k: its item key and its score (the model's logit; the probability is its sigmoid).</summary>
public readonly record struct RankedItem(string ItemKey, float Score);
