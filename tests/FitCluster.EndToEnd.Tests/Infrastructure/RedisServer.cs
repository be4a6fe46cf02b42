namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A throw-away <c>redis-server</c> on a loopback port, run as a child process with persistence off. Debian's
/// <c>redis-server</c> package is installed on first use when this runs as root with apt (CI, and the Debian 13 root
/// that <c>./fit test</c> uses); elsewhere <see cref="LocateOrInstallAsync"/> says why there is none.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly string[] s_searchFolders = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_aptTimeout = TimeSpan.FromMinutes(5);

    private readonly ChildProcess _process;

    private RedisServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>StackExchange.Redis connection string (<c>127.0.0.1:PORT</c>).</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The server process (its output, for failure messages).</summary>
    public ChildProcess Process => _process;

    /// <summary>
    /// The path of <c>redis-server</c>, installing Debian's package when it is absent and this process may; or null and
    /// the reason there is none, with how to install it.
    /// </summary>
    public static async Task<(string? Path, string? Problem)> LocateOrInstallAsync(CancellationToken cancellationToken = default)
    {
        if (Locate() is { } found)
        {
            return (found, null);
        }

        const string Advice = "Install it with `sudo apt-get install redis-server` (Debian/Ubuntu) or put redis-server on PATH.";
        if (!Environment.IsPrivilegedProcess)
        {
            return (null, $"redis-server is not installed and this test is not running as root, so it cannot install it. {Advice}");
        }

        var aptGet = s_searchFolders.Select(f => Path.Combine(f, "apt-get")).FirstOrDefault(File.Exists);
        if (aptGet is null)
        {
            return (null, $"redis-server is not installed and there is no apt-get to install it with. {Advice}");
        }

        var environment = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        // Another apt (a concurrent test run) may hold the dpkg lock: wait for it rather than fail.
        string[] update = ["-qq", "-o", "DPkg::Lock::Timeout=120", "update"];
        string[] install = ["-y", "-qq", "-o", "DPkg::Lock::Timeout=120", "install", "redis-server"];
        foreach (var arguments in new[] { update, install })
        {
            var problem = await RunAsync(aptGet, arguments, environment, cancellationToken);
            if (problem is not null)
            {
                return (null, $"redis-server is not installed, and installing Debian's package failed: {problem} {Advice}");
            }
        }

        return Locate() is { } installed
            ? (installed, null)
            : (null, $"apt-get installed redis-server but no redis-server executable is in PATH or {string.Join(", ", s_searchFolders)}. {Advice}");
    }

    /// <summary>Starts <paramref name="executable"/> on a free loopback port and waits until it accepts connections.</summary>
    public static async Task<RedisServer> StartAsync(string executable, string workingFolder, CancellationToken cancellationToken = default)
    {
        var port = FreePorts.Take(1)[0];
        // --save "" and --appendonly no: nothing is written to disk; --dir keeps any stray file out of the repository.
        var process = ChildProcess.Start("redis-server", executable,
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", workingFolder]);
        try
        {
            await process.WaitForLineAsync("Ready to accept connections", s_startTimeout, "redis-server start", cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new RedisServer(process, port);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static string? Locate()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(s_searchFolders).Select(f => Path.Combine(f, "redis-server")).FirstOrDefault(File.Exists);
    }

    private static async Task<string?> RunAsync(string fileName, string[] arguments, Dictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        await using var process = ChildProcess.Start("apt-get", fileName, arguments, environment);
        int code;
        try
        {
            code = await process.Exited.WaitAsync(s_aptTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return $"`apt-get {string.Join(' ', arguments)}` did not finish within {s_aptTimeout.TotalMinutes:F0} minutes.{Environment.NewLine}{process.Tail(15)}";
        }

        return code == 0 ? null : $"`apt-get {string.Join(' ', arguments)}` exited with code {code}.{Environment.NewLine}{process.Tail(15)}";
    }
}
