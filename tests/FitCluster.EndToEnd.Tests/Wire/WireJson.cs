using System.Text.Json;

namespace FitCluster.EndToEnd.Tests.Wire;

/// <summary>
/// The gateway's JSON conventions (snake_case names) as a client sees them. These tests read the wire with their own
/// records rather than the gateway's types, so a renamed field fails here as it would for a client.
/// </summary>
public static class WireJson
{
    /// <summary>Web defaults with snake_case property names.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
