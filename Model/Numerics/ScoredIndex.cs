namespace FitCluster.Model.Numerics;

/// <summary>A score and the 0-based index of the entry (candidate, item row) it belongs to.</summary>
/// <param name="Score">The score; higher is better.</param>
/// <param name="Index">0-based position of the entry in the scored span.</param>
public readonly record struct ScoredIndex(float Score, int Index);
