using System.Text.Json;

namespace FitCluster.Client.Api;

/// <summary>Body of <c>POST /v1/rank</c>.</summary>
public sealed class RankRequestBody
{
    /// <summary>
    /// User features by name; each value a string or a finite number (e.g. <c>{"user_id": "42", "age": 25}</c>). Omitted
    /// with <see cref="UserId"/>.
    /// </summary>
    public Dictionary<string, JsonElement>? User { get; set; }

    /// <summary>Item ids the user interacted with, oldest first (optional; omitted with <see cref="UserId"/>).</summary>
    public List<string?>? Behaviours { get; set; }

    /// <summary>Distinct item ids to rank (1..MaxCandidates).</summary>
    public List<string?>? Candidates { get; set; }

    /// <summary>How many of the best to return. Default 10.</summary>
    public int K { get; set; } = 10;

    /// <summary>Model version to use; omitted for the active one.</summary>
    public string? ModelVersion { get; set; }

    /// <summary>
    /// A stored user (<c>PUT /v1/users/{id}</c>, <c>POST /v1/users/{id}/events</c>) to rank for instead of
    /// <see cref="User"/> and <see cref="Behaviours"/>: its profile and latest behaviours are used, and its user heads are
    /// cached until they change. Omitted for an inline user.
    /// </summary>
    public string? UserId { get; set; }
}
