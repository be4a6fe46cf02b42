namespace FitCluster.Model.Ranking;

/// <summary>Where a ranking's time went, in milliseconds.</summary>
/// <param name="UserTowerMs">All branches of the user tower.</param>
/// <param name="ScoringMs">Late interaction (LSS or dot) over the candidates.</param>
/// <param name="TopKMs">Bounded-heap selection.</param>
/// <param name="TotalMs">The whole call, including id lookups.</param>
public readonly record struct RankTimings(double UserTowerMs, double ScoringMs, double TopKMs, double TotalMs);
