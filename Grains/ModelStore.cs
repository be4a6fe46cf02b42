using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using FitCluster.Grains.Interfaces;
using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FitCluster.Grains;

/// <summary>
/// The model versions in <see cref="RankingOptions.ArtifactRoot"/> (the root itself when it is an exported artifact, and
/// each sub-folder that is one; any folder name, the manifest names the version), loaded on first use and kept
/// for the life of the silo; every grain on the silo shares them. A version that fails validation is reported with the
/// artifact's own message and retried on the next request (an operator may fix the folder).
/// </summary>
/// <remarks>Thread-safe singleton.</remarks>
public sealed partial class ModelStore : IDisposable
{
    private readonly RankingOptions _options;
    private readonly ILogger<ModelStore> _logger;
    private readonly ConcurrentDictionary<string, Lazy<LoadedModel>> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _folders = new(StringComparer.Ordinal);

    // Parsed manifests by path and write time: the catalog lists versions on every active-version refresh (each second
    // per silo) and readiness probes do too; only a new or rewritten manifest is read and parsed again.
    private readonly ConcurrentDictionary<string, (DateTime WrittenUtc, ModelManifest Manifest)> _manifests = new(StringComparer.Ordinal);

    /// <summary>Creates the store.</summary>
    public ModelStore(IOptions<RankingOptions> options, ILogger<ModelStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The options in force.</summary>
    public RankingOptions Options => _options;

    /// <summary>Every version folder with a readable manifest, newest first.</summary>
    public ImmutableArray<ModelVersionInfo> ListVersions()
    {
        var versions = new List<ModelVersionInfo>();
        // The root may itself be one exported artifact (./fit silo --artifact DIR) or hold one per sub-folder.
        foreach (var folder in Directory.EnumerateDirectories(_options.ArtifactRoot).Prepend(_options.ArtifactRoot))
        {
            var path = Path.Combine(folder, ModelManifest.FileName);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                var written = File.GetLastWriteTimeUtc(path);
                if (!_manifests.TryGetValue(path, out var cached) || cached.WrittenUtc != written)
                {
                    var parsed = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(path), ArtifactJson.Options);
                    if (parsed is null)
                    {
                        continue;
                    }

                    cached = (written, parsed);
                    _manifests[path] = cached;
                }

                var manifest = cached.Manifest;

                if (_folders.TryGetValue(manifest.ModelVersion, out var known) && known != folder && Directory.Exists(known))
                {
                    LogDuplicateVersion(_logger, manifest.ModelVersion, known, folder);
                    continue;
                }

                _folders[manifest.ModelVersion] = folder;
                versions.Add(Describe(manifest));
            }
            catch (JsonException e)
            {
                LogUnreadableManifest(_logger, path, e.Message);
            }
        }

        return [.. versions.OrderByDescending(v => v.CreatedUtc, StringComparer.Ordinal)];
    }

    /// <summary>Whether the store holds <paramref name="modelVersion"/> (rescans the folder when it is not known yet).</summary>
    public bool Exists(string modelVersion) => FolderOf(modelVersion) is not null;

    /// <summary>The loaded version, loading it on first use.</summary>
    /// <exception cref="KeyNotFoundException">No such version in the store.</exception>
    /// <exception cref="ArtifactException">The version's artifact is corrupt or inconsistent.</exception>
    public LoadedModel Get(string modelVersion)
    {
        if (_models.TryGetValue(modelVersion, out var loaded) && loaded.IsValueCreated)
        {
            return loaded.Value;
        }

        var folder = FolderOf(modelVersion) ?? throw new KeyNotFoundException($"Model version '{modelVersion}' is not in the artifact store.");
        var lazy = _models.GetOrAdd(modelVersion, v => new Lazy<LoadedModel>(() => Load(v, folder), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch (ArtifactException)
        {
            _models.TryRemove(new KeyValuePair<string, Lazy<LoadedModel>>(modelVersion, lazy));
            throw;
        }
    }

    /// <summary>Describes a manifest for clients.</summary>
    public static ModelVersionInfo Describe(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new ModelVersionInfo(
            manifest.ModelVersion, manifest.ModelKind, manifest.Dataset, manifest.CreatedUtc, manifest.Dims.ItemCount,
            [.. manifest.UserFields.Select(f => f.Name)], manifest.Metrics.ToImmutableDictionary());
    }

    /// <summary>Releases every loaded version's ONNX sessions.</summary>
    public void Dispose()
    {
        foreach (var lazy in _models.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Ranker.Dispose();
            }
        }
    }

    private string? FolderOf(string modelVersion)
    {
        if (string.IsNullOrEmpty(modelVersion))
        {
            return null;
        }

        if (_folders.TryGetValue(modelVersion, out var folder) && Directory.Exists(folder))
        {
            return folder;
        }

        ListVersions(); // a version exported after start-up: rescan
        return _folders.TryGetValue(modelVersion, out folder) ? folder : null;
    }

    private LoadedModel Load(string modelVersion, string directory)
    {
        var watch = Stopwatch.StartNew();
        var artifact = ModelArtifact.Load(directory, _options.VerifyChecksums);
        if (artifact.ModelVersion != modelVersion)
        {
            throw new ArtifactException($"{directory}: the manifest now names model version '{artifact.ModelVersion}', not '{modelVersion}'.");
        }

        var ranker = new Ranker(artifact, new InferenceOptions { VerifyChecksums = _options.VerifyChecksums }) { MaxCandidates = _options.MaxCandidates };
        var model = new LoadedModel(ranker, new ShardMap(artifact.Manifest.ItemKeys, _options.ShardCount));
        LogLoaded(_logger, modelVersion, artifact.Items.Count, watch.ElapsedMilliseconds);
        return model;
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Loaded model {ModelVersion} with {ItemCount} items in {ElapsedMs} ms")]
    private static partial void LogLoaded(ILogger logger, string modelVersion, int itemCount, long elapsedMs);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Model version {ModelVersion} is in both {Folder} and {Duplicate}; serving {Folder}")]
    private static partial void LogDuplicateVersion(ILogger logger, string modelVersion, string folder, string duplicate);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Ignoring unreadable manifest {Path}: {Reason}")]
    private static partial void LogUnreadableManifest(ILogger logger, string path, string reason);
}
