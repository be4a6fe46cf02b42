namespace FitCluster.LoadTest;

/// <summary>Running totals since the start, warm-up included, for the progress line.</summary>
/// <param name="Sent">Requests sent.</param>
/// <param name="Succeeded">Responses 200.</param>
/// <param name="Failed">Failures of any kind.</param>
/// <param name="InFlight">Sent and not yet answered.</param>
public readonly record struct LoadProgress(long Sent, long Succeeded, long Failed, long InFlight);
