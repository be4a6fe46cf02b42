namespace FitCluster.EndToEnd.Tests.Wire;

/// <summary>One version listed by <c>GET /v1/models</c> (the fields these tests check).</summary>
public sealed record ModelVersionReply(string ModelVersion, string ModelKind, int ItemCount, string[] UserFeatures);
