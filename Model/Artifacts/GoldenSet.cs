using System.Text.Json;

namespace FitCluster.Model.Artifacts;

/// <summary><c>golden.json</c>: requests with the trainer's eval-mode scores, which serving must reproduce.</summary>
/// <param name="Requests">The requests.</param>
public sealed record GoldenSet(IReadOnlyList<GoldenRequest> Requests)
{
    /// <summary>Reads a golden file.</summary>
    /// <exception cref="ArtifactException">The file is not a golden set.</exception>
    public static GoldenSet Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<GoldenSet>(File.ReadAllText(path), ArtifactJson.Options)
                ?? throw new ArtifactException($"{path}: empty golden file.");
        }
        catch (JsonException e)
        {
            throw new ArtifactException($"{path}: not a golden file ({e.Message})", e);
        }
    }
}
