using System.Text.Json;
using System.Text.Json.Serialization;

namespace FitCluster.Model.Artifacts;

/// <summary>JSON settings of every artifact file: snake_case names, indented, no unknown-member tolerance lost.</summary>
public static class ArtifactJson
{
    /// <summary>The shared serializer options (thread-safe once created).</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };
}
