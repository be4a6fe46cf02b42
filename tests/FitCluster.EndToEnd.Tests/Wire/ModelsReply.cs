namespace FitCluster.EndToEnd.Tests.Wire;

/// <summary>The answer of <c>GET /v1/models</c>.</summary>
public sealed record ModelsReply(string? ActiveVersion, ModelVersionReply[] Versions, RefusedReply[]? Refused = null);
