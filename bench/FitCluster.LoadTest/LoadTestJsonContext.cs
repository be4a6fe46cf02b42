using System.Text.Json.Serialization;

namespace FitCluster.LoadTest;

/// <summary>
/// Source-generated JSON for the gateway's wire shapes: snake_case property names; dictionary keys (feature names,
/// timing names) are kept as they are.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RankRequestJson))]
[JsonSerializable(typeof(RankResponseJson))]
[JsonSerializable(typeof(Scale.RankAnswerJson))]
public sealed partial class LoadTestJsonContext : JsonSerializerContext;
