using System.Globalization;

namespace FitCluster.Silo;

/// <summary>
/// How long the .NET thread pool's idle workers spin for new work before they sleep, as the runtime reads it: the
/// environment variable <see cref="EnvironmentVariable"/> first — parsed as <b>hexadecimal</b>, so <c>1000</c> means
/// 4,096 spins —, then the runtime setting <see cref="RuntimeSetting"/> (decimal, or octal with a leading 0, hexadecimal with 0x), else the runtime's default.
/// </summary>
/// <remarks>
/// A serving silo's latency at moderate load depends on it: between requests the cores go idle, and a worker that has
/// gone to sleep costs a thread wake-up and, on a virtual machine, a halted virtual CPU, before a request's work starts
/// (measured on a 2-core VM at 300 req/s: client p50 1.5 ms with the default, 1.1 ms spinning 65,536 times). Spinning
/// burns CPU while traffic flows, so it is for silos with dedicated cores (no CPU limit); <c>./fit silo --low-latency</c>
/// sets it. The runtime reads the setting once, at start, so the silo can only report it.
/// </remarks>
public static partial class ThreadPoolSpin
{
    /// <summary>The environment variable the runtime reads first (hexadecimal).</summary>
    public const string EnvironmentVariable = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    /// <summary>The runtime setting (runtimeconfig.json / MSBuild) it reads next (decimal).</summary>
    public const string RuntimeSetting = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    /// <summary>The runtime's default on x64 (ARM64 uses another).</summary>
    public const int RuntimeDefault = 70;

    /// <summary>Values above this are ignored by the runtime, which then uses its default.</summary>
    public const int MaximumHonoured = 1_000_000;

    /// <summary>The value <c>./fit silo --low-latency</c> sets: hexadecimal 10000, 65,536 spins.</summary>
    public const string LowLatencyValue = "10000";

    /// <summary>The spin limit in effect and where it came from, for this process.</summary>
    public static (int Spins, string Source) Current() =>
        Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable), AppContext.GetData(RuntimeSetting)?.ToString());

    /// <summary>
    /// The spin limit the runtime uses given the environment variable's text and the runtime setting's text (either
    /// null when unset), and a description of its source. Unparsable or negative values are skipped, as the runtime does.
    /// </summary>
    public static (int Spins, string Source) Resolve(string? environment, string? runtimeSetting)
    {
        var spins = RuntimeDefault;
        var source = "the runtime default";
        if (ParseHex(environment) is { } fromEnvironment)
        {
            (spins, source) = (fromEnvironment, $"{EnvironmentVariable}={environment} (hexadecimal)");
        }
        else if (ParseSetting(runtimeSetting) is { } fromSetting)
        {
            (spins, source) = (fromSetting, $"{RuntimeSetting}={runtimeSetting}");
        }

        return spins > MaximumHonoured ? (RuntimeDefault, $"the runtime default ({source} is above {MaximumHonoured:N0}, ignored)") : (spins, source);
    }

    /// <summary>Logs the spin limit in effect, so that an operator can see which latency profile a silo runs.</summary>
    public static void Report(ILogger logger)
    {
        var (spins, source) = Current();
        LogSpin(logger, spins, source);
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Idle thread-pool workers spin {Spins} times for work before sleeping ({Source})")]
    private static partial void LogSpin(ILogger logger, int spins, string source);

    // As the runtime reads a runtimeconfig value: "0x…" hexadecimal, another leading 0 octal, else decimal; negative or
    // unparsable values are skipped.
    private static int? ParseSetting(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            var value = text.StartsWith("0x", StringComparison.Ordinal) ? Convert.ToInt32(text[2..], 16)
                : text.Length > 1 && text[0] == '0' ? Convert.ToInt32(text, 8)
                : int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return value >= 0 ? value : null;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    private static int? ParseHex(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var digits = text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text;
        return uint.TryParse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value) && (int)value >= 0 ? (int)value : null;
    }
}
