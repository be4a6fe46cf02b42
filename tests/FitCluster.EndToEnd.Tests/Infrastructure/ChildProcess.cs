using System.Diagnostics;

namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A child process whose stdout and stderr lines are kept in memory, so that a test can await a line it prints (an
/// explicit readiness signal, no polling) and put its last lines into any failure message. Disposing kills it with
/// its whole process tree; so does the test host's exit, as a last resort.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int MaxLines = 5_000;
    private static readonly TimeSpan s_killTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(string Text, TaskCompletionSource<bool> Seen)> _waiters = [];
    private readonly Task<int> _exited;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _droppedLines;
    private bool _hasExited;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        Id = _process.Id;
        AppDomain.CurrentDomain.ProcessExit += OnTestHostExit;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _exited = WatchExitAsync();
    }

    /// <summary>A short name for messages (<c>silo 2</c>, <c>gateway</c>, <c>redis-server</c>).</summary>
    public string Name { get; }

    /// <summary>Operating-system process id.</summary>
    public int Id { get; }

    /// <summary>Completes with the exit code once the process has exited and its output is read to the end.</summary>
    public Task<int> Exited => _exited;

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> (passed verbatim, no shell) and this process's
    /// environment, plus <paramref name="environment"/> (a null value removes a variable).
    /// </summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return new ChildProcess(name, new Process { StartInfo = info });
    }

    /// <summary>
    /// Waits until the process prints a line containing <paramref name="text"/> (or has printed one already); the
    /// <paramref name="phase"/> (what the wait is for: <c>silo 2 start</c>) is named in the failure messages.
    /// </summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>; the message has the output's last lines.</exception>
    /// <exception cref="InvalidOperationException">The process exited first.</exception>
    public async Task WaitForLineAsync(string text, TimeSpan timeout, string phase, CancellationToken cancellationToken = default)
    {
        var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.Exists(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            if (_hasExited)
            {
                seen.SetResult(false);
            }
            else
            {
                _waiters.Add((text, seen));
            }
        }

        bool printed;
        try
        {
            printed = await seen.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Phase '{phase}': {Describe()} did not print \"{text}\" within {timeout.TotalSeconds:F0} s.{Environment.NewLine}{Tail()}");
        }

        if (!printed)
        {
            var code = await _exited;
            throw new InvalidOperationException($"Phase '{phase}': {Name} (pid {Id}) exited with code {code} before printing \"{text}\".{Environment.NewLine}{Tail()}");
        }
    }

    /// <summary>Whether the process has printed a line containing <paramref name="text"/> so far.</summary>
    public bool HasPrinted(string text)
    {
        lock (_gate)
        {
            return _lines.Exists(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>Kills the process tree now (SIGKILL: no graceful shutdown) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_exited.IsCompleted)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it exited between the check and the kill
            }
        }

        try
        {
            await _exited.WaitAsync(s_killTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Describe()} was killed but had not exited after {s_killTimeout.TotalSeconds:F0} s.");
        }
    }

    /// <summary>
    /// Freezes the process (SIGSTOP): it keeps its sockets open but answers nothing, like a hung machine or a network
    /// partition, so that calls in flight to it wait for an answer that does not come. Disposing still kills it.
    /// </summary>
    public Task FreezeAsync()
    {
        Signal(SignalStop);
        return Task.CompletedTask;
    }

    /// <summary>Asks the process to stop (SIGTERM), as Kubernetes does: a silo leaves the cluster gracefully.</summary>
    public void Terminate() => Signal(SignalTerminate);

    // POSIX signals by the C library directly: the tests also run inside ./fit's minimal Debian root, which has no kill(1).
    private const int SignalTerminate = 15;
    private const int SignalStop = 19;

    private void Signal(int signal)
    {
        if (SendSignal(Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({Id}, {signal}) failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}.");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>The last <paramref name="count"/> lines it printed, indented, headed by its name (for failure messages).</summary>
    public string Tail(int count = 40)
    {
        lock (_gate)
        {
            var from = Math.Max(0, _lines.Count - count);
            var header = $"--- last {_lines.Count - from} of {_lines.Count + _droppedLines} output lines of {Describe()} ---";
            return header + Environment.NewLine + string.Join(Environment.NewLine, _lines.Skip(from).Select(l => "    " + l));
        }
    }

    /// <summary>Name, pid and, once exited, the exit code.</summary>
    public string Describe() => _exited.IsCompletedSuccessfully ? $"{Name} (pid {Id}, exited with code {_exited.Result})" : $"{Name} (pid {Id})";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= OnTestHostExit;
            _process.Dispose();
        }
    }

    private async Task<int> WatchExitAsync()
    {
        // WaitForExitAsync also waits for the redirected streams to reach their end, so every line is in by then.
        await _process.WaitForExitAsync();
        lock (_gate)
        {
            _hasExited = true;
            foreach (var (_, seen) in _waiters)
            {
                seen.TrySetResult(false);
            }

            _waiters.Clear();
        }

        return _process.ExitCode;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_lines.Count == MaxLines)
            {
                _lines.RemoveAt(0);
                _droppedLines++;
            }

            // Seconds since start on each line: failure messages then show where the time went.
            _lines.Add($"[{_clock.Elapsed.TotalSeconds,6:F2} s] {line}");
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_waiters[i].Text, StringComparison.Ordinal))
                {
                    _waiters[i].Seen.TrySetResult(true);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    // A test host that ends without disposing its fixtures (a crash, a runner timeout) must not leave silos behind.
    private void OnTestHostExit(object? sender, EventArgs e)
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
