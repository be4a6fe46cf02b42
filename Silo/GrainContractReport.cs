using FitCluster.Grains.Interfaces;
using Orleans.CodeGeneration;

namespace FitCluster.Silo;

/// <summary>Logs the grain interface versions this silo was built with, so that a rolling upgrade's progress can be read from the logs.</summary>
public static partial class GrainContractReport
{
    /// <summary>Each grain interface of the contract with its <c>[Version]</c> (0 when it has none), sorted by name: <c>IRankingGrain v1, ...</c>.</summary>
    public static string Describe() => string.Join(", ", typeof(IRankingGrain).Assembly.GetExportedTypes()
        .Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => $"{t.Name} v{(t.GetCustomAttributes(typeof(VersionAttribute), false) is [VersionAttribute version] ? version.Version : 0)}"));

    /// <summary>Logs <see cref="Describe"/>.</summary>
    public static void Report(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var contract = Describe();
        LogContract(logger, contract);
    }

    [LoggerMessage(EventId = 3110, Level = LogLevel.Information, Message = "Grain contract: {Contract}")]
    private static partial void LogContract(ILogger logger, string contract);
}
