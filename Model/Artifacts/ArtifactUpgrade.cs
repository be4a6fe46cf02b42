using System.Text.Json;
using System.Text.Json.Nodes;
using FitCluster.Model.Catalog;
using FitCluster.Model.Ranking;

namespace FitCluster.Model.Artifacts;

/// <summary>
/// Converts an artifact of format version 1 (every item key in the manifest; an item table in item order that each
/// silo read whole) to format version 2 (ids in the item table, items in hash buckets so that each shard reads only its
/// own rows): <c>./fit upgrade DIR</c>. Weights, ONNX graphs and the golden set are copied unchanged; the result is
/// sealed and proved by re-scoring its golden set.
/// </summary>
public static class ArtifactUpgrade
{
    /// <summary>Writes the format-2 form of <paramref name="source"/> into <paramref name="destination"/> (a new folder).</summary>
    /// <returns>The new folder's manifest and the golden set's largest |serving − trainer| difference.</returns>
    /// <exception cref="ArtifactException"><paramref name="source"/> is not a whole format-1 artifact (seal, checksums,
    /// item table), or the result does not reproduce the golden set.</exception>
    /// <remarks>Memory: the format-1 item table is read whole (it was served that way); the new one is written streaming.</remarks>
    public static (ModelManifest Manifest, double GoldenMaxDifference) Convert(string source, string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        if (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
        {
            throw new ArtifactException($"{destination}: exists and is not empty.");
        }

        var manifestPath = Path.Combine(source, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new ArtifactException($"{source}: no {ModelManifest.FileName}; this is not a FitCluster model artifact.");
        }

        var bytes = File.ReadAllBytes(manifestPath);
        ArtifactSeal.Read(source)?.Verify(source, bytes); // an artifact older than sealing has none: its checksums still count
        var node = JsonNode.Parse(bytes) as JsonObject ?? throw new ArtifactException($"{manifestPath}: not a JSON object.");
        var version = (int?)node["format_version"];
        if (version != 1)
        {
            throw new ArtifactException($"{manifestPath}: format version {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}; only version 1 is upgraded.");
        }

        var files = node["files"]?.Deserialize<Dictionary<string, FileEntry>>(ArtifactJson.Options) ?? [];
        foreach (var (name, entry) in files)
        {
            var path = Path.Combine(source, Path.GetFileName(name));
            if (!File.Exists(path) || new FileInfo(path).Length != entry.Bytes || !string.Equals(ModelArtifact.Sha256(path), entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArtifactException($"{path}: missing, or its size or SHA-256 differs from the manifest.");
            }
        }

        var keys = node["item_keys"]?.Deserialize<string[]>(ArtifactJson.Options) ?? throw new ArtifactException($"{manifestPath}: no item_keys.");
        var tableFile = (string?)node["item_table"]?["file"] ?? throw new ArtifactException($"{manifestPath}: no item_table.");
        var old = ItemTable.Read(Path.Combine(source, tableFile));
        if (old.Count != keys.Length)
        {
            throw new ArtifactException($"{source}: {keys.Length:N0} item keys for an item table of {old.Count:N0} items.");
        }

        Directory.CreateDirectory(destination);
        foreach (var name in files.Keys.Where(n => n != tableFile))
        {
            File.Copy(Path.Combine(source, name), Path.Combine(destination, name));
        }

        using (var writer = new ItemTableWriter(Path.Combine(destination, tableFile), old.ItemHeads, old.HeadDim, old.MetaSize, old.IsHalf))
        {
            var row = new float[old.RowSize];
            for (var r = 0; r < keys.Length; r++)
            {
                old.CopyRow(r, row); // float16 → float32 → float16 is exact
                writer.Add(keys[r], r + 1, old.QueryIndex[r], row);
            }

            writer.Complete();
        }

        node.Remove("item_keys");
        node["format_version"] = ModelManifest.CurrentFormatVersion;
        var manifest = node.Deserialize<ModelManifest>(ArtifactJson.Options) ?? throw new ArtifactException($"{manifestPath}: empty manifest.");
        manifest = ModelArtifact.Seal(destination, manifest);
        using var runtime = new ModelRuntime(ModelArtifact.Load(destination));
        return (manifest, GoldenCheck.Verify(runtime));
    }
}
