namespace FitCluster.Grains.Interfaces;

/// <summary>A ranked candidate: its id and score (the model's logit).</summary>
[GenerateSerializer, Immutable, Alias("fit.ScoredItem")]
public readonly record struct ScoredItem(string ItemId, float Score);
