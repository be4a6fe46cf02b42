using FitCluster.Grains;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace FitCluster.Silo;

/// <summary>
/// The embedded default's grain storage: files under <see cref="ClusterHostingOptions.StateDirectory"/> (by default
/// <c>.fitcluster-state</c> inside the artifact root), so that state acknowledged by a silo without an external store — the
/// active model version — survives <c>kill -9</c> and a restart. When that folder cannot be written the silo falls back
/// to memory and says so at start, because it can then not keep that promise.
/// </summary>
public static partial class GrainStorageHosting
{
    /// <summary>Folder name of the default state directory inside the artifact root (a dot folder: never a model version).</summary>
    public const string DefaultFolderName = ".fitcluster-state";

    /// <summary>Adds file grain storage (or memory, when the folder is not writable) under the ranking service's storage name.</summary>
    public static ISiloBuilder AddEmbeddedGrainStorage(this ISiloBuilder silo, ClusterHostingOptions hosting, string? artifactRoot)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(hosting);
        var directory = StateDirectoryOf(hosting, artifactRoot);
        var problem = directory is null ? "no Cluster:StateDirectory and no Ranking:ArtifactRoot" : FileGrainStorage.Probe(directory);
        if (problem is null)
        {
            silo.Services.AddGrainStorage(RankingServiceCollectionExtensions.StorageName, (services, _) => new FileGrainStorage(
                directory!, services.GetService<IGrainStorageSerializer>() ?? new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>())));
            silo.Services.AddSingleton(new EmbeddedStorageReport(directory, null));
        }
        else
        {
            silo.AddMemoryGrainStorage(RankingServiceCollectionExtensions.StorageName);
            silo.Services.AddSingleton(new EmbeddedStorageReport(directory, problem));
        }

        return silo;
    }

    /// <summary>Logs where the embedded default keeps its state, or that it cannot keep it, once at start.</summary>
    public static void ReportEmbeddedStorage(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<EmbeddedStorageReport>() is not { } report)
        {
            return;
        }

        if (report.Problem is null)
        {
            LogFileStorage(app.Logger, report.Directory!);
        }
        else
        {
            LogMemoryFallback(app.Logger, report.Directory ?? "(none)", report.Problem);
        }
    }

    /// <summary>The state folder in force: the configured one, else <see cref="DefaultFolderName"/> inside the artifact root.</summary>
    public static string? StateDirectoryOf(ClusterHostingOptions hosting, string? artifactRoot)
    {
        ArgumentNullException.ThrowIfNull(hosting);
        if (!string.IsNullOrWhiteSpace(hosting.StateDirectory))
        {
            return Path.GetFullPath(hosting.StateDirectory);
        }

        return string.IsNullOrWhiteSpace(artifactRoot) ? null : Path.Combine(Path.GetFullPath(artifactRoot), DefaultFolderName);
    }

    /// <summary>Where the embedded storage writes, or why it cannot.</summary>
    /// <param name="Directory">The state folder.</param>
    /// <param name="Problem">Why it is not writable (memory is used instead); null when files are used.</param>
    public sealed record EmbeddedStorageReport(string? Directory, string? Problem);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Grain state (the active model version) is kept in files under {Directory}: it survives kill -9 and restarts of this silo")]
    private static partial void LogFileStorage(ILogger logger, string directory);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Grain state cannot be kept in {Directory} ({Reason}): it is held in memory, so the active model version is lost when this silo stops. Set Cluster:StateDirectory to a writable folder, or use Cluster:Clustering=redis")]
    private static partial void LogMemoryFallback(ILogger logger, string directory, string reason);
}
