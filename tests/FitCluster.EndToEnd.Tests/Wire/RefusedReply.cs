namespace FitCluster.EndToEnd.Tests.Wire;

/// <summary>A refused folder in <c>GET /v1/models</c>.</summary>
public sealed record RefusedReply(string Folder, string? ModelVersion, string Reason, string SinceUtc);
