namespace FitCluster.EndToEnd.Tests.Wire;

/// <summary>A problem-details answer (RFC 9457): validation errors by field, or the cluster's refusal <c>code</c>.</summary>
public sealed record ProblemReply(string? Title, int? Status, string? Detail, string? Code, Dictionary<string, string[]>? Errors);
