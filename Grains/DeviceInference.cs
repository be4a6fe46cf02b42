using System.Runtime.CompilerServices;
using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using FitCluster.Model.Scoring;
using FitCluster.Model.Towers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FitCluster.Grains;

/// <summary>
/// Where this silo computes (<see cref="InferenceServiceOptions"/>). With CUDA in force, each loaded model version gets an
/// ONNX user tower on the GPU, and each item shard an <see cref="OnnxLssScorer"/> holding the shard's heads in GPU memory;
/// with CPU (the default, or the fallback) the model's own native tower and scorer serve. The provider is probed once, at
/// start-up (the options validator asks): a silo that asks for CUDA where it is unusable refuses to start, or with
/// <see cref="InferenceServiceOptions.FallbackToCpu"/> logs why and serves on CPU.
/// </summary>
/// <remarks>Thread-safe singleton. Models are loaded for the life of the silo, so device towers are too; they are released with it.</remarks>
public sealed partial class DeviceInference : IDisposable
{
    private readonly IOptions<InferenceServiceOptions> _options; // read after validation (the validator asks this service)
    private readonly ILogger<DeviceInference> _logger;
    private readonly Lazy<ExecutionProvider> _provider;
    private readonly ConditionalWeakTable<ModelRuntime, IUserTower> _towers = [];
    private readonly Lock _towerLock = new();
    private readonly DeviceProbe _probe;

    /// <summary>Creates the service; nothing is probed until first asked.</summary>
    public DeviceInference(IOptions<InferenceServiceOptions> options, DeviceProbe probe, ILogger<DeviceInference> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _probe = probe;
        _logger = logger;
        _provider = new Lazy<ExecutionProvider>(Decide);
    }

    /// <summary>The provider in force: CUDA only when asked for and usable.</summary>
    public ExecutionProvider Provider => _provider.Value;

    /// <summary>The user tower requests for <paramref name="model"/> run on: the device tower with CUDA, else the model's own.</summary>
    public IUserTower UserTowerOf(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Provider == ExecutionProvider.Cpu)
        {
            return model.Runtime.UserTower;
        }

        if (_towers.TryGetValue(model.Runtime, out var tower))
        {
            return tower;
        }

        lock (_towerLock)
        {
            return _towers.GetValue(model.Runtime, runtime =>
            {
                var manifest = runtime.Artifact.Manifest;
                var created = new OnnxUserTower(
                    runtime.Artifact.PathOf(manifest.UserTower.File), manifest.Dims, manifest.UserFields.Count, InferenceOptionsOf(_options.Value));
                LogDeviceTower(_logger, runtime.Artifact.ModelVersion, Provider);
                return created;
            });
        }
    }

    /// <summary>
    /// The scorer a shard holding <paramref name="items"/> uses: with CUDA and an LSS model, a new <see cref="OnnxLssScorer"/>
    /// with the shard's heads in GPU memory (the caller disposes it); otherwise the model's own scorer (shared, not owned).
    /// </summary>
    /// <exception cref="ArtifactException">The device refused the graph or the memory.</exception>
    public ICandidateScorer ScorerFor(LoadedModel model, ItemTable items, out IDisposable? owned)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(items);
        owned = null;
        if (Provider == ExecutionProvider.Cpu || model.Runtime.Scorer is not LssScorer lss)
        {
            return model.Runtime.Scorer; // the dot scorer (Two-Tower) is one multiply-add per value: it stays on CPU
        }

        var scorer = new OnnxLssScorer(lss, items, InferenceOptionsOf(_options.Value));
        LogDeviceShard(_logger, model.ModelVersion, items.Count, scorer.DeviceBytes, Provider);
        owned = scorer;
        return scorer;
    }

    /// <summary>Releases the device user towers.</summary>
    public void Dispose()
    {
        lock (_towerLock)
        {
            foreach (var (_, tower) in _towers)
            {
                tower.Dispose();
            }

            _towers.Clear();
        }
    }

    private static InferenceOptions InferenceOptionsOf(InferenceServiceOptions options) => new()
    {
        UserTower = UserTowerImplementation.Onnx,
        ExecutionProvider = options.ExecutionProvider,
        DeviceId = options.DeviceId,
        IntraOpThreads = options.IntraOpThreads,
    };

    private ExecutionProvider Decide()
    {
        var options = _options.Value;
        if (options.ExecutionProvider == ExecutionProvider.Cpu)
        {
            return ExecutionProvider.Cpu;
        }

        if (_probe.Unavailable(options) is { } why)
        {
            if (!options.FallbackToCpu)
            {
                // The validator refuses this configuration at start; reaching here means it was bypassed.
                throw new InvalidOperationException($"Inference:ExecutionProvider is Cuda but {why}");
            }

            LogFallback(_logger, why);
            return ExecutionProvider.Cpu;
        }

        LogProvider(_logger, options.ExecutionProvider, options.DeviceId, ExecutionProviderProbe.BuildFlavor);
        return options.ExecutionProvider;
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Inference on {Provider} device {DeviceId} (ONNX Runtime {Flavor} build): ONNX user tower and LSS scoring graph, item heads in device memory")]
    private static partial void LogProvider(ILogger logger, ExecutionProvider provider, int deviceId, string flavor);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Inference:ExecutionProvider is Cuda but {Reason}; Inference:FallbackToCpu is set: serving on CPU")]
    private static partial void LogFallback(ILogger logger, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Model {ModelVersion}: user tower on {Provider}")]
    private static partial void LogDeviceTower(ILogger logger, string modelVersion, ExecutionProvider provider);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Model {ModelVersion}: a shard of {ItemCount} items in {Provider} memory ({Bytes} bytes)")]
    private static partial void LogDeviceShard(ILogger logger, string modelVersion, int itemCount, long bytes, ExecutionProvider provider);
}
