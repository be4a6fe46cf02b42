using System.Security.Cryptography;
using System.Text.Json;
using FitCluster.Model.Catalog;

namespace FitCluster.Model.Artifacts;

/// <summary>
/// One loaded and validated model version: manifest, weights, vocabularies and the item table's index — not its rows,
/// which each shard reads for itself (<see cref="Catalog.ItemTableFile.ReadShard"/>). Loading checks the format version,
/// every file's size and SHA-256, every dimension against the item table header and tensors, and every weight for NaN/∞
/// (item rows are checked by whoever reads them); anything wrong is an <see cref="ArtifactException"/> that names the
/// file and the problem.
/// </summary>
/// <remarks>Immutable after loading; thread-safe.</remarks>
public sealed class ModelArtifact
{
    private readonly Dictionary<string, int>[] _userFieldIndex;
    private int _deferredReads;

    private ModelArtifact(string directory, ModelManifest manifest, ItemTableFile items, IReadOnlyDictionary<string, NamedTensor> tensors)
    {
        Directory = directory;
        Manifest = manifest;
        ItemFile = items;
        Tensors = tensors;
        _userFieldIndex = new Dictionary<string, int>[manifest.UserFields.Count];
        for (var f = 0; f < _userFieldIndex.Length; f++)
        {
            var labels = manifest.UserFields[f].Labels;
            var index = new Dictionary<string, int>(labels.Count, StringComparer.Ordinal);
            for (var i = 1; i < labels.Count; i++)
            {
                if (!index.TryAdd(labels[i], i))
                {
                    throw new ArtifactException($"{directory}: user feature '{manifest.UserFields[f].Name}' lists value '{labels[i]}' twice.");
                }
            }

            _userFieldIndex[f] = index;
        }
    }

    /// <summary>The artifact folder.</summary>
    public string Directory { get; }

    /// <summary>The manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The item table file: its header and bucket index; rows are read by shard or by id.</summary>
    public ItemTableFile ItemFile { get; }

    /// <summary>The weights file's tensors by name.</summary>
    public IReadOnlyDictionary<string, NamedTensor> Tensors { get; }

    /// <summary>Model version id.</summary>
    public string ModelVersion => Manifest.ModelVersion;

    /// <summary>Vocabulary index of a user feature's raw value, or 0 (the unknown row) when the model never saw it.</summary>
    /// <param name="field">Index of the feature in <see cref="ModelManifest.UserFields"/>.</param>
    /// <param name="value">Raw value.</param>
    public int UserFieldIndex(int field, string value) => _userFieldIndex[field].TryGetValue(value, out var index) ? index : 0;

    /// <summary>Path of a file of this artifact.</summary>
    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>The tensor of every item's attribute row e_c, <c>[V, D]</c>.</summary>
    public const string AttributesTensor = "item.attributes";

    /// <summary>
    /// Reads a tensor that <see cref="Load(string, bool, bool, bool)"/> left out of <see cref="Tensors"/> (today only
    /// <see cref="AttributesTensor"/>, with shard attributes), with the same checks.
    /// </summary>
    /// <exception cref="ArtifactException">The manifest does not name it, or it is corrupt.</exception>
    public NamedTensor ReadDeferredTensor(string name)
    {
        if (Tensors.TryGetValue(name, out var loaded))
        {
            return loaded;
        }

        var entry = Manifest.Tensors.FirstOrDefault(t => t.Name == name) ?? throw new ArtifactException($"{Directory}: the manifest names no tensor '{name}'.");
        Interlocked.Increment(ref _deferredReads);
        return WeightsFile.Read(PathOf(Manifest.WeightsFile), [entry])[name];
    }

    /// <summary>
    /// How many times <see cref="ReadDeferredTensor"/> read a left-out tensor from the weights file: a serving silo whose
    /// shards give the attribute rows keeps it at 0 (at 10M items <c>item.attributes</c> alone is 1.2 GB).
    /// </summary>
    public int DeferredTensorReads => Volatile.Read(ref _deferredReads);

    /// <summary>Loads and validates the artifact in <paramref name="directory"/>.</summary>
    /// <param name="directory">The artifact folder.</param>
    /// <param name="verifyChecksums">Whether every file's SHA-256 is checked (sizes always are).</param>
    /// <param name="requireSeal">Whether the folder must carry a <c>SEALED</c> file matching the manifest's bytes (default);
    /// only <c>./fit seal</c> reads an unsealed folder, to seal it once it has proved whole.</param>
    /// <exception cref="ArtifactException">Anything is missing, corrupt, unsealed or inconsistent.</exception>
    public static ModelArtifact Load(string directory, bool verifyChecksums = true, bool requireSeal = true) =>
        Load(directory, verifyChecksums, requireSeal, shardAttributes: false);

    /// <summary>
    /// Loads an artifact; with <paramref name="shardAttributes"/> the <c>item.attributes</c> tensor (e_c of every item,
    /// the largest at a large catalog) is not read: shards read their own items' rows of it with their other rows
    /// (<see cref="ItemTableFile.AttachAttributes"/>), and the whole tensor is read only if something asks for it
    /// (<see cref="ReadDeferredTensor"/>).
    /// </summary>
    /// <exception cref="ArtifactException">Anything is missing, corrupt, unsealed or inconsistent.</exception>
    public static ModelArtifact Load(string directory, bool verifyChecksums, bool requireSeal, bool shardAttributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var manifest = ReadManifest(directory, requireSeal);
        CheckFiles(directory, manifest, verifyChecksums);
        CheckDims(directory, manifest);
        var items = ItemTableFile.Open(Path.Combine(directory, manifest.ItemTable.File));
        var dims = manifest.Dims;
        var metaSize = manifest.ModelKind == ModelKinds.Fit ? dims.MetaSize : 1;
        if (items.Count != dims.ItemCount || items.ItemHeads != dims.ItemHeads || items.HeadDim != dims.HeadDim || items.MetaSize != metaSize)
        {
            throw new ArtifactException(
                $"{directory}: the item table holds {items.Count} items of {items.ItemHeads} × {items.HeadDim} with N = {items.MetaSize}; " +
                $"the manifest says {dims.ItemCount} items of {dims.ItemHeads} × {dims.HeadDim} with N = {metaSize}.");
        }

        if (DataTypeCodes.Name(items.IsHalf ? DataTypeCodes.Binary16 : DataTypeCodes.Binary32) != manifest.ItemTable.DataType)
        {
            throw new ArtifactException($"{directory}: the item table's data type differs from the manifest's '{manifest.ItemTable.DataType}'.");
        }

        var weights = Path.Combine(directory, manifest.WeightsFile);
        var entries = manifest.Tensors;
        if (shardAttributes && manifest.Tensors.FirstOrDefault(t => t.Name == AttributesTensor) is { Shape.Count: 2 } attributes)
        {
            items.AttachAttributes(weights, attributes.Offset, attributes.Shape[0], attributes.Shape[1]);
            entries = [.. manifest.Tensors.Where(t => t.Name != AttributesTensor)];
        }

        var tensors = WeightsFile.Read(weights, entries);
        return new ModelArtifact(directory, manifest, items, tensors);
    }

    /// <summary>
    /// Completes an artifact folder: fills <see cref="ModelManifest.Files"/> with the SHA-256 and size of every other
    /// file in <paramref name="directory"/>, writes <c>manifest.json</c>, and last the <c>SEALED</c> file that covers the
    /// manifest's own bytes (<see cref="ArtifactSeal"/>). Each is flushed to disk before the next is written.
    /// </summary>
    public static ModelManifest Seal(string directory, ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        File.Delete(Path.Combine(directory, ArtifactSeal.FileName)); // an old seal never vouches for the new manifest
        var files = new SortedDictionary<string, FileEntry>(StringComparer.Ordinal);
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name is not (ModelManifest.FileName or ArtifactSeal.FileName) && !name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                files[name] = new FileEntry(Sha256(path), new FileInfo(path).Length);
            }
        }

        var sealedManifest = manifest with { Files = files };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(sealedManifest, ArtifactJson.Options);
        ArtifactSeal.WriteDurably(Path.Combine(directory, ModelManifest.FileName), bytes);
        ArtifactSeal.Write(directory, bytes);
        return sealedManifest;
    }

    /// <summary>
    /// Seals a complete artifact folder that has no <c>SEALED</c> file (exported by a build older than sealing): loads it
    /// with every check (checksums, dimensions, values) and writes the seal of its manifest as it is.
    /// </summary>
    /// <exception cref="ArtifactException">The folder is not a complete, valid artifact, or is sealed already.</exception>
    public static ModelArtifact SealExisting(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (ArtifactSeal.Read(directory) is not null)
        {
            throw new ArtifactException($"{directory}: already sealed.");
        }

        var bytes = File.ReadAllBytes(Path.Combine(directory, ModelManifest.FileName));
        var artifact = Load(directory, verifyChecksums: true, requireSeal: false);
        ArtifactSeal.Write(directory, bytes);
        return artifact;
    }

    /// <summary>
    /// The cheap checks serving runs whenever it lists versions: the folder is sealed, the manifest's bytes match the seal
    /// and parse, and every file the manifest lists exists with its size. No file is hashed but the manifest.
    /// </summary>
    /// <returns>The manifest, or null with the reason; <see cref="ArtifactInspection.Sealed"/> is false for an unfinished folder.</returns>
    public static ArtifactInspection Inspect(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        try
        {
            if (ArtifactSeal.Read(directory) is null)
            {
                return new ArtifactInspection(null, $"{directory}: no {ArtifactSeal.FileName} file (still being written or copied).", Sealed: false);
            }

            var manifest = ReadManifest(directory, requireSeal: true);
            foreach (var (name, entry) in manifest.Files)
            {
                var info = new FileInfo(Path.Combine(directory, name));
                if (!info.Exists || info.Length != entry.Bytes)
                {
                    return new ArtifactInspection(manifest,
                        $"{directory}: '{name}' is {(info.Exists ? $"{info.Length:N0} bytes, the manifest says {entry.Bytes:N0}" : "missing")}.", Sealed: true);
                }
            }

            return new ArtifactInspection(manifest, null, Sealed: true);
        }
        catch (ArtifactException e)
        {
            return new ArtifactInspection(null, e.Message, Sealed: true);
        }
        catch (IOException e)
        {
            return new ArtifactInspection(null, $"{directory}: {e.Message}", Sealed: true);
        }
    }

    /// <summary>SHA-256 of a file, lowercase hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static ModelManifest ReadManifest(string directory, bool requireSeal)
    {
        var path = Path.Combine(directory, ModelManifest.FileName);
        if (!File.Exists(path))
        {
            throw new ArtifactException($"{directory}: no {ModelManifest.FileName}; this is not a FitCluster model artifact.");
        }

        // One read: the bytes checked against the seal are the bytes parsed.
        var bytes = File.ReadAllBytes(path);
        if (requireSeal)
        {
            var seal = ArtifactSeal.Read(directory) ?? throw new ArtifactException(
                $"{directory}: no {ArtifactSeal.FileName} file: the folder is unfinished (still being exported or copied), or was exported by a " +
                "build older than sealing (`./fit seal DIR` verifies a complete one and seals it).");
            seal.Verify(directory, bytes);
        }

        ModelManifest? manifest;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("format_version", out var version) || version.ValueKind != JsonValueKind.Number)
            {
                throw new ArtifactException($"{path}: no format_version; not a FitCluster manifest.");
            }

            if (version.GetInt32() == 1)
            {
                throw new ArtifactException(
                    $"{path}: artifact format version 1 (every item key in the manifest, one item table every silo reads whole); this " +
                    $"build reads version {ModelManifest.CurrentFormatVersion}, whose shards read only their own rows. Convert it with " +
                    "`./fit upgrade DIR` (rewrites the item table by hash bucket, verifies the golden set and seals the folder).");
            }

            if (version.GetInt32() != ModelManifest.CurrentFormatVersion)
            {
                throw new ArtifactException(
                    $"{path}: artifact format version {version.GetInt32()}; this build reads version {ModelManifest.CurrentFormatVersion}.");
            }

            manifest = document.RootElement.Deserialize<ModelManifest>(ArtifactJson.Options);
        }
        catch (JsonException e)
        {
            throw new ArtifactException($"{path}: malformed manifest ({e.Message})", e);
        }

        return manifest ?? throw new ArtifactException($"{path}: empty manifest.");
    }

    private static void CheckFiles(string directory, ModelManifest manifest, bool verifyChecksums)
    {
        string[] required = [manifest.ItemTable.File, manifest.WeightsFile, manifest.UserTower.File, manifest.ItemTower.File, manifest.Golden.File];
        foreach (var name in required)
        {
            if (!manifest.Files.ContainsKey(name))
            {
                throw new ArtifactException($"{directory}: the manifest names '{name}' but has no checksum for it.");
            }
        }

        foreach (var (name, entry) in manifest.Files)
        {
            if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.StartsWith('.'))
            {
                throw new ArtifactException($"{directory}: file name '{name}' in the manifest is not a plain file name.");
            }

            var path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                throw new ArtifactException($"{directory}: '{name}' is listed in the manifest but missing.");
            }

            var length = new FileInfo(path).Length;
            if (length != entry.Bytes)
            {
                throw new ArtifactException($"{path}: {length:N0} bytes, the manifest says {entry.Bytes:N0} (truncated or replaced).");
            }

            if (verifyChecksums && !string.Equals(Sha256(path), entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArtifactException($"{path}: SHA-256 differs from the manifest (corrupt or replaced).");
            }
        }
    }

    private static void CheckDims(string directory, ModelManifest manifest)
    {
        var dims = manifest.Dims;
        var kind = manifest.ModelKind;
        var problems = new List<string>();
        if (kind is not (ModelKinds.Fit or ModelKinds.TwoTower))
        {
            problems.Add($"unknown model kind '{kind}'");
        }

        // FIT scores with LSS, or — trained as fit-no-lss — with the Two-Tower dot product of one head per side.
        var fitWithDot = kind == ModelKinds.Fit && manifest.Scorer == ScorerKinds.Dot;
        var expectedScorer = kind == ModelKinds.Fit ? $"{ScorerKinds.Lss}' or '{ScorerKinds.Dot}" : ScorerKinds.Dot;
        if (manifest.Scorer != ScorerKinds.Dot && !(kind == ModelKinds.Fit && manifest.Scorer == ScorerKinds.Lss))
        {
            problems.Add($"scorer '{manifest.Scorer}' does not fit model kind '{kind}' (expected '{expectedScorer}')");
        }

        if (fitWithDot && (dims.UserHeads != 1 || dims.ItemHeads != 1))
        {
            problems.Add("FIT with the dot scorer has one head per side");
        }

        if (dims.EmbeddingDim <= 0 || dims.ItemAttributeDim <= 0 || dims.MetaSize <= 0 || dims.UserHeads <= 0 || dims.ItemHeads <= 0
            || dims.HeadDim <= 0 || dims.SequenceLength <= 0 || dims.ItemCount < 0 || dims.TowerHidden.Count == 0)
        {
            problems.Add("a dimension is not positive");
        }

        if (kind == ModelKinds.Fit && ((dims.LssWidth <= 0 && !fitWithDot) || dims.AttentionHidden.Count == 0 || dims.MetaSize > ushort.MaxValue + 1))
        {
            problems.Add("FIT needs d > 0, attention widths and N ≤ 65,536");
        }

        if (kind == ModelKinds.TwoTower && (dims.MetaSize != 1 || dims.UserHeads != 1 || dims.ItemHeads != 1))
        {
            problems.Add("Two-Tower has one branch and one head per side");
        }

        if (manifest.UserFields.Count == 0)
        {
            problems.Add("no user features");
        }

        foreach (var field in manifest.UserFields.Concat(manifest.ItemFields))
        {
            if (field.Labels.Count < 1 || field.Labels[0].Length != 0 || field.Width < 1)
            {
                problems.Add($"feature '{field.Name}' needs an empty label for its padding row 0 and a width ≥ 1");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArtifactException($"{directory}: inconsistent manifest: {string.Join("; ", problems)}.");
        }
    }
}
