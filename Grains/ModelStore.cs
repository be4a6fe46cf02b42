using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using FitCluster.Grains.Interfaces;
using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Catalog;
using FitCluster.Model.Ranking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FitCluster.Grains;

/// <summary>
/// The model versions in <see cref="RankingOptions.ArtifactRoot"/> (the root itself when it is an exported artifact, and
/// each sub-folder that is one; any folder name, the manifest names the version). Only sealed folders exist for serving:
/// a folder without its <c>SEALED</c> file (still being exported or copied) is never listed nor loaded. A version loads on
/// first use with every check — seal, checksums, dimensions, finiteness, and its golden set re-scored — and is kept while
/// in use; every grain on the silo shares it. A loaded version holds metadata, weights and the user tower, never the item
/// rows: each shard activation reads its own (<see cref="LoadShard"/>), and the golden check reads only the rows it names. A folder that fails is <em>refused</em>: listed with its reason,
/// never served, and examined again only when its files change (so a repaired folder is served without a restart, and a
/// broken one costs no re-reading per request).
/// </summary>
/// <remarks>Thread-safe singleton.</remarks>
public sealed partial class ModelStore : IDisposable
{
    private readonly RankingOptions _options;
    private readonly ILogger<ModelStore> _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<LoadedModel>> _models = new(StringComparer.Ordinal);

    // Folder → what the last look at it found, keyed by the folder's fingerprint (file names, sizes, write times): a folder
    // is inspected again only when it changes.
    private readonly ConcurrentDictionary<string, FolderState> _folders = new(StringComparer.Ordinal);

    // Folders seen without a seal, so that "waiting for the seal" is logged once per folder.
    private readonly ConcurrentDictionary<string, byte> _unsealedLogged = new(StringComparer.Ordinal);
    private readonly Lock _scanLock = new();

    // Rows of the shards this silo holds now, by version; and rows ever read into shards (both: the proof a silo reads
    // only its own shards' rows).
    private readonly ConcurrentDictionary<(string Version, int Shard), int> _shardRows = new();
    private long _shardRowsRead;
    private long _shardsChanged = long.MinValue; // when a shard activation last read or freed rows here
    private int _trimWanted;
    private Listing _listing = new([], [], ImmutableDictionary<string, string>.Empty, long.MinValue);

    /// <summary>Creates the store.</summary>
    public ModelStore(IOptions<RankingOptions> options, ILogger<ModelStore> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long a scan of the artifact root is reused; requests naming unknown or refused versions never rescan more often.</summary>
    public static TimeSpan ScanInterval { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The options in force.</summary>
    public RankingOptions Options => _options;

    /// <summary>Every servable version (sealed, not refused), newest first.</summary>
    public ImmutableArray<ModelVersionInfo> ListVersions() => Scan().Available;

    /// <summary>Every sealed folder refused, with the reason.</summary>
    public ImmutableArray<RefusedVersion> ListRefused() => Scan().Refused;

    /// <summary>Whether <paramref name="modelVersion"/> is servable (rescans the root when it is not known yet).</summary>
    public bool Exists(string modelVersion) => FolderOf(modelVersion) is not null;

    /// <summary>The loaded version, loading and verifying it on first use.</summary>
    /// <exception cref="KeyNotFoundException">No sealed folder holds that version.</exception>
    /// <exception cref="ArtifactException">The version's folder was refused; the message says why.</exception>
    public LoadedModel Get(string modelVersion)
    {
        if (_models.TryGetValue(modelVersion, out var loaded) && loaded.IsValueCreated)
        {
            loaded.Value.Touch(_time.GetTimestamp());
            return loaded.Value;
        }

        var folder = FolderOf(modelVersion);
        if (folder is null)
        {
            if (RefusalOf(modelVersion) is { } refused)
            {
                throw new ArtifactException($"Model version '{modelVersion}' is refused: {refused.Reason}");
            }

            throw new KeyNotFoundException($"Model version '{modelVersion}' is not in the artifact store.");
        }

        var lazy = _models.GetOrAdd(modelVersion, v => new Lazy<LoadedModel>(() => Load(v, folder), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            lazy.Value.Touch(_time.GetTimestamp());
            return lazy.Value;
        }
        catch (ArtifactException)
        {
            _models.TryRemove(new KeyValuePair<string, Lazy<LoadedModel>>(modelVersion, lazy));
            throw;
        }
    }

    private async Task DisposeLaterAsync(ModelRuntime runtime, TimeSpan delay)
    {
        await Task.Delay(delay, _time).ConfigureAwait(false);
        runtime.Dispose();
    }

    /// <summary>
    /// Reads shard <paramref name="shard"/>'s rows of <paramref name="model"/> (its buckets of the item table, nothing else)
    /// for an activation on this silo, and counts them until <see cref="ReleaseShard"/>.
    /// </summary>
    /// <exception cref="ArtifactException">The rows are inconsistent (the item table changed or is corrupt).</exception>
    public ItemShard LoadShard(LoadedModel model, int shard)
    {
        ArgumentNullException.ThrowIfNull(model);
        var watch = Stopwatch.StartNew();
        var items = model.Artifact.ItemFile.ReadShard(shard, model.Plan.ShardCount);
        Interlocked.Add(ref _shardRowsRead, items.Count);
        _shardRows[(model.ModelVersion, shard)] = items.Count;
        ShardsChanged();
        LogShardLoaded(_logger, model.ModelVersion, shard, items.Count, items.ResidentBytes, watch.ElapsedMilliseconds);
        return items;
    }

    /// <summary>Records that this silo's activation of <paramref name="shard"/> of <paramref name="modelVersion"/> freed its rows.</summary>
    public void ReleaseShard(string modelVersion, int shard)
    {
        _shardRows.TryRemove((modelVersion, shard), out _);
        ShardsChanged();
    }

    /// <summary>
    /// Whether memory should be given back now: shards were loaded or freed here (a start, a move, an unload — the read's
    /// transient buffers and a moved shard's rows are garbage the server GC keeps committed) and none for
    /// <paramref name="quiet"/>. Answers true once per such burst.
    /// </summary>
    public bool TakeShardTrim(TimeSpan quiet)
    {
        if (Volatile.Read(ref _trimWanted) == 0 || _time.GetElapsedTime(Interlocked.Read(ref _shardsChanged)) < quiet)
        {
            return false;
        }

        return Interlocked.Exchange(ref _trimWanted, 0) == 1;
    }

    private void ShardsChanged()
    {
        Interlocked.Exchange(ref _shardsChanged, _time.GetTimestamp());
        Volatile.Write(ref _trimWanted, 1);
    }

    /// <summary>The shards held on this silo now, with their row counts, by version and shard index.</summary>
    public IReadOnlyDictionary<(string ModelVersion, int Shard), int> ShardsHeld() => new Dictionary<(string, int), int>(_shardRows);

    /// <summary>Rows read into shards on this silo since it started (every activation counts its rows).</summary>
    public long ShardRowsRead => Interlocked.Read(ref _shardRowsRead);

    /// <summary>Records a use of <paramref name="model"/> now (the shards of a version served from this silo keep it loaded).</summary>
    public void Touch(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Touch(_time.GetTimestamp());
    }

    /// <summary>Whether <paramref name="model"/> is still the loaded instance of its version (false once it was unloaded).</summary>
    public bool Holds(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _models.TryGetValue(model.ModelVersion, out var loaded) && loaded.IsValueCreated && ReferenceEquals(loaded.Value, model);
    }

    /// <summary>The versions loaded on this silo now.</summary>
    public IReadOnlyList<string> LoadedVersions() => [.. _models.Where(m => m.Value.IsValueCreated).Select(m => m.Key).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Unloads every version other than <paramref name="activeVersion"/> unused for <see cref="RankingOptions.UnloadAfter"/>
    /// (none when that is zero); their shard activations notice and deactivate (<see cref="ItemShardGrain"/>).
    /// </summary>
    /// <returns>The versions unloaded.</returns>
    public IReadOnlyList<string> UnloadIdle(string? activeVersion)
    {
        if (_options.UnloadAfter <= TimeSpan.Zero)
        {
            return [];
        }

        var now = _time.GetTimestamp();
        var unloaded = new List<string>();
        foreach (var (version, lazy) in _models)
        {
            if (version == activeVersion || !lazy.IsValueCreated || _time.GetElapsedTime(lazy.Value.LastUsed, now) < _options.UnloadAfter)
            {
                continue;
            }

            if (_models.TryRemove(new KeyValuePair<string, Lazy<LoadedModel>>(version, lazy)))
            {
                // A request that took this instance just before may still be running on it: release its native
                // resources (ONNX sessions) only once any such request is past its deadline.
                _ = DisposeLaterAsync(lazy.Value.Runtime, _options.RequestTimeout * 2);

                unloaded.Add(version);
                LogUnloaded(_logger, version, (long)_options.UnloadAfter.TotalSeconds);
            }
        }

        return unloaded;
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
                lazy.Value.Runtime.Dispose();
            }
        }
    }

    private string? FolderOf(string modelVersion)
    {
        if (string.IsNullOrEmpty(modelVersion))
        {
            return null;
        }

        if (_listing.Folders.TryGetValue(modelVersion, out var folder) && Directory.Exists(folder))
        {
            return folder;
        }

        return Scan().Folders.TryGetValue(modelVersion, out folder) ? folder : null; // exported after the last scan
    }

    private RefusedVersion? RefusalOf(string modelVersion) => _listing.Refused.FirstOrDefault(r => r.ModelVersion == modelVersion);

    // The root's folders as serving sees them, rescanned at most every ScanInterval.
    private Listing Scan()
    {
        var listing = _listing;
        var now = _time.GetTimestamp();
        if (now < listing.Expires)
        {
            return listing;
        }

        lock (_scanLock)
        {
            if (_time.GetTimestamp() < _listing.Expires)
            {
                return _listing;
            }

            _listing = ScanNow();
            return _listing;
        }
    }

    private Listing ScanNow()
    {
        var available = new List<ModelVersionInfo>();
        var refused = new List<RefusedVersion>();
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        var root = _options.ArtifactRoot;
        IEnumerable<string> candidates;
        try
        {
            // The root may itself be one exported artifact (./fit silo --artifact DIR) or hold one per sub-folder; names
            // starting with '.' (state) or ending in '.partial' (an export in progress) are never versions.
            candidates = Directory.EnumerateDirectories(root)
                .Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".partial", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).Prepend(root).ToList();
        }
        catch (IOException e)
        {
            LogUnreadableRoot(_logger, root, e.Message);
            candidates = [];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in candidates)
        {
            seen.Add(folder);
            var state = Examine(folder);
            if (state is null)
            {
                continue;
            }

            if (state.Refusal is { } refusal)
            {
                refused.Add(refusal);
                continue;
            }

            var manifest = state.Manifest!;
            if (folders.TryGetValue(manifest.ModelVersion, out var first))
            {
                LogDuplicateVersion(_logger, manifest.ModelVersion, first, folder);
                continue;
            }

            folders[manifest.ModelVersion] = folder;
            available.Add(Describe(manifest));
        }

        foreach (var gone in _folders.Keys.Where(f => !seen.Contains(f)).ToList())
        {
            _folders.TryRemove(gone, out _);
        }

        var expires = _time.GetTimestamp() + (long)(ScanInterval.TotalSeconds * _time.TimestampFrequency);
        return new Listing(
            [.. available.OrderByDescending(v => v.CreatedUtc, StringComparer.Ordinal)],
            [.. refused],
            folders.ToImmutableDictionary(StringComparer.Ordinal),
            expires);
    }

    // What a folder is now: null when it is no artifact or not sealed yet; refused; or servable (its manifest).
    private FolderState? Examine(string folder)
    {
        string fingerprint;
        try
        {
            fingerprint = Fingerprint(folder);
        }
        catch (IOException)
        {
            return null; // removed while scanning
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        if (_folders.TryGetValue(folder, out var known) && known.Fingerprint == fingerprint)
        {
            return known.Visible ? known : null;
        }

        var inspection = ModelArtifact.Inspect(folder);
        FolderState state;
        if (!inspection.Sealed)
        {
            var hasManifest = File.Exists(Path.Combine(folder, ModelManifest.FileName));
            if (hasManifest && _unsealedLogged.TryAdd(folder, 0))
            {
                LogUnsealed(_logger, folder);
            }

            state = new FolderState(fingerprint, null, null, Visible: false);
        }
        else if (inspection.Problem is { } problem)
        {
            state = new FolderState(fingerprint, null, Refuse(folder, inspection.Manifest?.ModelVersion, problem), Visible: true);
        }
        else
        {
            _unsealedLogged.TryRemove(folder, out _);
            if (known?.Refusal is not null)
            {
                LogReexamined(_logger, folder);
            }

            state = new FolderState(fingerprint, inspection.Manifest, null, Visible: true);
        }

        _folders[folder] = state;
        return state.Visible ? state : null;
    }

    private LoadedModel Load(string modelVersion, string directory)
    {
        var watch = Stopwatch.StartNew();
        string fingerprint;
        try
        {
            fingerprint = Fingerprint(directory); // before reading: a change during loading shows as a new fingerprint
        }
        catch (IOException e)
        {
            throw new ArtifactException($"{directory}: {e.Message}", e);
        }

        ModelRuntime? runtime = null;
        try
        {
            // item.attributes stays on disk: each shard reads its own items' rows and answers behaviours with them.
            var artifact = ModelArtifact.Load(directory, _options.VerifyChecksums, requireSeal: true, shardAttributes: true);
            if (artifact.ModelVersion != modelVersion)
            {
                throw new ArtifactException($"{directory}: the manifest now names model version '{artifact.ModelVersion}', not '{modelVersion}'.");
            }

            runtime = new ModelRuntime(artifact, new InferenceOptions { VerifyChecksums = _options.VerifyChecksums });
            var worst = _options.VerifyGolden ? GoldenCheck.Verify(runtime) : double.NaN; // reads only the golden rows
            var model = new LoadedModel(runtime, new RankingPlan(artifact.ItemFile.BucketCount, _options.ShardCount));
            if (_options.ShardCount > artifact.ItemFile.BucketCount)
            {
                LogMoreShardsThanBuckets(_logger, modelVersion, _options.ShardCount, artifact.ItemFile.BucketCount);
            }

            LogLoaded(_logger, modelVersion, artifact.ItemFile.Count, watch.ElapsedMilliseconds, worst);
            return model;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            runtime?.Dispose();
            var reason = WithoutRoot(e is ArtifactException ? e.Message : $"{directory}: {e.GetType().Name}: {e.Message}");
            var refusal = Refuse(directory, modelVersion, reason);
            _folders[directory] = new FolderState(fingerprint, null, refusal, Visible: true);
            _listing = _listing with { Expires = long.MinValue }; // the next look lists it as refused
            throw new ArtifactException($"Model version '{modelVersion}' is refused: {reason}", e);
        }
    }

    private RefusedVersion Refuse(string folder, string? modelVersion, string reason)
    {
        reason = WithoutRoot(reason);
        LogRefused(_logger, folder, modelVersion ?? "(unknown)", reason);
        var name = folder == _options.ArtifactRoot ? "." : Path.GetFileName(folder);
        return new RefusedVersion(name, modelVersion, reason, _time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
    }

    // Reasons reach unauthenticated readers (GET /v1/models, 409 bodies): they name files relative to the artifact root,
    // never the server's own paths.
    private string WithoutRoot(string reason)
    {
        var root = Path.TrimEndingDirectorySeparator(_options.ArtifactRoot);
        return root.Length == 0 ? reason : reason.Replace(root + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal)
            .Replace(root, ".", StringComparison.Ordinal);
    }

    // Names, sizes and write times of the folder's files: any copy, edit or repair changes it.
    private static string Fingerprint(string folder)
    {
        var builder = new StringBuilder();
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            builder.Append(file.Name).Append('\0').Append(file.Length).Append('\0').Append(file.LastWriteTimeUtc.Ticks).Append('\n');
        }

        return builder.ToString();
    }

    private sealed record FolderState(string Fingerprint, ModelManifest? Manifest, RefusedVersion? Refusal, bool Visible);

    private sealed record Listing(
        ImmutableArray<ModelVersionInfo> Available, ImmutableArray<RefusedVersion> Refused, ImmutableDictionary<string, string> Folders, long Expires);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Shard {Shard} of model {ModelVersion} read its {ItemCount} items ({ResidentBytes} bytes) in {ElapsedMs} ms")]
    private static partial void LogShardLoaded(ILogger logger, string modelVersion, int shard, int itemCount, long residentBytes, long elapsedMs);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Model {ModelVersion}: {ShardCount} shards but its item table has {BucketCount} buckets; shards past the buckets hold no items")]
    private static partial void LogMoreShardsThanBuckets(ILogger logger, string modelVersion, int shardCount, int bucketCount);

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Loaded model {ModelVersion} ({ItemCount} items, read by their shards) in {ElapsedMs} ms; golden set reproduced within {GoldenMaxDifference:G3}")]
    private static partial void LogLoaded(ILogger logger, string modelVersion, int itemCount, long elapsedMs, double goldenMaxDifference);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Model version {ModelVersion} is in both {Folder} and {Duplicate}; serving {Folder}")]
    private static partial void LogDuplicateVersion(ILogger logger, string modelVersion, string folder, string duplicate);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Refused artifact folder {Folder} (model version {ModelVersion}): {Reason}; it is examined again when its files change")]
    private static partial void LogRefused(ILogger logger, string folder, string modelVersion, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Artifact folder {Folder} has no SEALED file yet (being exported or copied): not served until it is sealed")]
    private static partial void LogUnsealed(ILogger logger, string folder);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Artifact folder {Folder} changed since it was refused: examining it again")]
    private static partial void LogReexamined(ILogger logger, string folder);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Unloaded model {ModelVersion}: neither active nor used for {IdleSeconds} s")]
    private static partial void LogUnloaded(ILogger logger, string modelVersion, long idleSeconds);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "The artifact root {Root} cannot be read: {Reason}")]
    private static partial void LogUnreadableRoot(ILogger logger, string root, string reason);
}
