using System.Diagnostics;
using System.Globalization;

namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A throw-away Azurite (the Azure Storage emulator: blobs, queues, tables) on free loopback ports, run with Node.js as a
/// child process with its files in a folder of the test's. Azurite comes from npm (<see cref="Version"/>), installed once
/// into a cache folder that outlives test runs (<c>$FITCLUSTER_AZURITE_CACHE</c>, else <c>~/.cache/fitcluster/azurite-VERSION</c>:
/// about 360 MB, about a minute). Node.js is the host's: <c>./fit</c> binds it (and npm) into its Debian 13 root at
/// <c>/opt/fit-host-node/bin</c>; without one, Debian's <c>nodejs</c> and <c>npm</c> are installed when this runs as root
/// with apt (slower). Elsewhere <see cref="LocateOrInstallAsync"/> says why there is none.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>The Azurite release the tests run.</summary>
    public const string Version = "3.37.0";

    /// <summary>Azurite's well-known development account (public: it is in Azure's documentation).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The development account's well-known key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string ScriptPath = "node_modules/azurite/dist/src/azurite.js";
    private static readonly string[] s_searchFolders = ["/opt/fit-host-node/bin", "/usr/local/bin", "/usr/bin", "/bin"];
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_installTimeout = TimeSpan.FromMinutes(6);

    private readonly ChildProcess _process;

    private AzuriteServer(ChildProcess process, int blobPort, int queuePort, int tablePort, TimeSpan startTime)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        StartTime = startTime;
    }

    /// <summary>Loopback port of the blob service.</summary>
    public int BlobPort { get; }

    /// <summary>Loopback port of the queue service.</summary>
    public int QueuePort { get; }

    /// <summary>Loopback port of the table service.</summary>
    public int TablePort { get; }

    /// <summary>From process start until every service said it listens.</summary>
    public TimeSpan StartTime { get; }

    /// <summary>The server process (its output, for failure messages).</summary>
    public ChildProcess Process => _process;

    /// <summary>An Azure Storage connection string of the development account with this server's explicit endpoints.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};");

    /// <summary>The cache folder Azurite is installed into.</summary>
    public static string CacheFolder =>
        Environment.GetEnvironmentVariable("FITCLUSTER_AZURITE_CACHE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fitcluster", $"azurite-{Version}");

    /// <summary>
    /// Node.js and Azurite's entry script, installing what is missing when this process may (npm into
    /// <see cref="CacheFolder"/>; Debian's Node.js as root with apt); or null and the reason there is none.
    /// <paramref name="log"/> hears what was installed and how long it took.
    /// </summary>
    public static async Task<(string? Node, string? Script, string? Problem)> LocateOrInstallAsync(Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        const string Advice = "Install Node.js 20 or later with npm (https://nodejs.org, or `sudo apt-get install nodejs npm`).";
        var node = Locate("node");
        if (node is null)
        {
            if (!Environment.IsPrivilegedProcess || Locate("apt-get") is not { } aptGet)
            {
                return (null, null, $"Azurite needs Node.js: there is no `node` on PATH, and this test cannot install it (not root, or no apt-get). {Advice}");
            }

            var watch = Stopwatch.StartNew();
            var environment = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            foreach (var arguments in new[]
            {
                new[] { "-qq", "-o", "DPkg::Lock::Timeout=120", "update" },
                ["-y", "-qq", "-o", "DPkg::Lock::Timeout=120", "install", "--no-install-recommends", "nodejs", "npm"],
            })
            {
                if (await RunAsync("apt-get", aptGet, arguments, environment, cancellationToken) is { } problem)
                {
                    return (null, null, $"Azurite needs Node.js, and installing Debian's nodejs and npm failed: {problem} {Advice}");
                }
            }

            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"installed Debian's nodejs and npm in {watch.Elapsed.TotalSeconds:F0} s"));
            node = Locate("node");
            if (node is null)
            {
                return (null, null, $"apt-get installed nodejs but no `node` is on PATH. {Advice}");
            }
        }

        var script = Path.Combine(CacheFolder, ScriptPath);
        if (File.Exists(script))
        {
            return (node, script, null);
        }

        var npm = NpmBeside(node);
        if (npm is null)
        {
            return (null, null, $"Azurite {Version} is not installed in {CacheFolder}, and there is no npm beside {node} to install it with. {Advice}");
        }

        // Installed into a staging folder and renamed into place, so that a run stopped half-way (or a concurrent one)
        // never leaves a folder that looks installed.
        var staging = $"{CacheFolder}.tmp.{Environment.ProcessId}";
        var install = Stopwatch.StartNew();
        try
        {
            Directory.CreateDirectory(staging);
            var problem = await RunAsync("npm install", node,
                [npm, "install", "--prefix", staging, "--no-audit", "--no-fund", "--no-save", "--loglevel=error", "--no-update-notifier", $"azurite@{Version}"],
                new Dictionary<string, string?>(), cancellationToken);
            if (problem is not null)
            {
                return (null, null, $"Azurite {Version} is not installed in {CacheFolder}, and `npm install azurite@{Version}` failed: {problem}");
            }

            if (!File.Exists(Path.Combine(CacheFolder, ScriptPath)))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(CacheFolder)!);
                if (Directory.Exists(CacheFolder))
                {
                    Directory.Delete(CacheFolder, recursive: true); // an unfinished install of an earlier run
                }

                Directory.Move(staging, CacheFolder);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"npm installed azurite@{Version} into {CacheFolder} in {install.Elapsed.TotalSeconds:F0} s"));
        return File.Exists(script)
            ? (node, script, null)
            : (null, null, $"npm installed azurite@{Version} but {script} is not there.");
    }

    /// <summary>Starts Azurite on three free loopback ports with its files in <paramref name="location"/>; waits until every service listens.</summary>
    public static async Task<AzuriteServer> StartAsync(string node, string script, string location, CancellationToken cancellationToken = default)
    {
        var ports = FreePorts.Take(3);
        int blob = ports[0], queue = ports[1], table = ports[2];
        var watch = Stopwatch.StartNew();
        // --disableTelemetry: without it Azurite ignores SIGTERM; --skipApiVersionCheck: the Azure SDK may be newer than
        // this Azurite release; --silent: no access log.
        var process = ChildProcess.Start("azurite", node,
        [
            script, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--location", Directory.CreateDirectory(location).FullName,
            "--blobHost", "127.0.0.1", "--blobPort", Invariant(blob),
            "--queueHost", "127.0.0.1", "--queuePort", Invariant(queue),
            "--tableHost", "127.0.0.1", "--tablePort", Invariant(table),
        ]);
        try
        {
            foreach (var (service, port) in new[] { ("Blob", blob), ("Queue", queue), ("Table", table) })
            {
                await process.WaitForLineAsync($"Azurite {service} service is successfully listening at http://127.0.0.1:{port}", s_startTimeout, $"azurite {service.ToLowerInvariant()} start", cancellationToken);
            }
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new AzuriteServer(process, blob, queue, table, watch.Elapsed);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Locate(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(s_searchFolders).Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
    }

    // npm's entry script: the host layout (bin/node beside lib/node_modules/npm, as ./fit binds it into its root too), or
    // an `npm` on PATH (Debian's /usr/bin/npm).
    private static string? NpmBeside(string node)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(node))!;
        string[] candidates =
        [
            Path.Combine(folder, "..", "lib", "node_modules", "npm", "bin", "npm-cli.js"),
            Path.Combine(folder, "..", "share", "nodejs", "npm", "bin", "npm-cli.js"), // Debian's npm package
            "/usr/share/nodejs/npm/bin/npm-cli.js",
        ];
        return candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists);
    }

    private static async Task<string?> RunAsync(string name, string fileName, string[] arguments, Dictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        await using var process = ChildProcess.Start(name, fileName, arguments, environment);
        int code;
        try
        {
            code = await process.Exited.WaitAsync(s_installTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return $"`{name}` did not finish within {s_installTimeout.TotalMinutes:F0} minutes.{Environment.NewLine}{process.Tail(15)}";
        }

        return code == 0 ? null : $"`{name}` exited with code {code}.{Environment.NewLine}{process.Tail(15)}";
    }
}
