namespace FitCluster.EndToEnd.Tests.Wire;

/// <summary>A <c>POST /v1/rank</c> body as a client writes it.</summary>
public sealed record RankBody(IReadOnlyDictionary<string, string> User, IReadOnlyList<string> Behaviours, IReadOnlyList<string> Candidates, int K, string? ModelVersion = null);
