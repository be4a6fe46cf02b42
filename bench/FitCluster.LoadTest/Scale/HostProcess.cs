using System.Diagnostics;
using System.Globalization;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// A child process of the benchmark (a silo in its host, or Redis) with its output appended to a log file, its last
/// lines kept for error messages, and its resident memory read from <c>/proc</c>. Disposing kills it.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<string> _lineSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _failureSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _awaitedLine;
    private readonly string? _failureLine;
    private readonly Action<string>? _onLine;

    private HostProcess(string name, Process process, StreamWriter log, string? awaitedLine, string? failureLine, Action<string>? onLine)
    {
        Name = name;
        _process = process;
        _log = log;
        _awaitedLine = awaitedLine;
        _failureLine = failureLine;
        _onLine = onLine;
        Started = Stopwatch.GetTimestamp();
    }

    /// <summary>Names it in messages (<c>silo 2</c>, <c>redis</c>).</summary>
    public string Name { get; }

    /// <summary>When it was started (<see cref="Stopwatch"/> ticks).</summary>
    public long Started { get; }

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Completes when a line containing the awaited text (given at start) has been printed.</summary>
    public Task LineSeen => _lineSeen.Task;

    /// <summary>Completes, with the line, when a line containing the failure text (given at start) has been printed.</summary>
    public Task<string> FailureSeen => _failureSeen.Task;

    /// <summary>Starts <paramref name="fileName"/> with its output appended to <paramref name="logPath"/>.</summary>
    /// <param name="name">Name in messages.</param>
    /// <param name="fileName">Executable.</param>
    /// <param name="arguments">Arguments.</param>
    /// <param name="logPath">Log file (appended).</param>
    /// <param name="awaitedLine">Text whose first appearance completes <see cref="LineSeen"/>; null for none.</param>
    /// <param name="failureLine">Text whose first appearance completes <see cref="FailureSeen"/>; null for none.</param>
    /// <param name="onLine">Called with every output line, on the thread that read it; null for none.</param>
    public static HostProcess Start(
        string name, string fileName, IEnumerable<string> arguments, string logPath, string? awaitedLine = null, string? failureLine = null, Action<string>? onLine = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Children read their settings from their command line and appsettings.json, never the benchmark's environment.
        foreach (var variable in new[] { "ASPNETCORE_URLS", "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "FITCLUSTER_ADMIN_TOKEN" })
        {
            start.Environment.Remove(variable);
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name}: {fileName} did not start.");
        var child = new HostProcess(name, process, log, awaitedLine, failureLine, onLine);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Resident memory now and at its peak, in bytes (<c>VmRSS</c>, <c>VmHWM</c> of the process <c>ip netns exec</c>
    /// became); null once it has exited.
    /// </summary>
    public (long Rss, long Peak)? Memory() => ReadMemory(_process.Id);

    /// <summary>The <c>VmRSS</c> and <c>VmHWM</c> of a <c>/proc/PID/status</c> text, in bytes; null when absent.</summary>
    public static (long Rss, long Peak)? ParseStatus(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        long? rss = null, peak = null;
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return rss is { } r && peak is { } p ? (r * 1024, p * 1024) : null;
    }

    /// <summary>The last output lines, for an error message.</summary>
    public string Tail()
    {
        lock (_gate)
        {
            return $"--- last lines of {Name} ---{Environment.NewLine}{string.Join(Environment.NewLine, _tail)}";
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        catch (TimeoutException)
        {
            // left to HostNetwork, which kills whatever still runs in the namespace
        }

        _process.Dispose();
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    private static (long Rss, long Peak)? ReadMemory(int pid)
    {
        try
        {
            return ParseStatus(File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/status")));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? Kilobytes(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : null;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }

            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // output after disposal
            }
        }

        _onLine?.Invoke(line);
        if (_awaitedLine is not null && line.Contains(_awaitedLine, StringComparison.Ordinal))
        {
            _lineSeen.TrySetResult(line);
        }

        if (_failureLine is not null && line.Contains(_failureLine, StringComparison.Ordinal))
        {
            _failureSeen.TrySetResult(line);
        }
    }
}
