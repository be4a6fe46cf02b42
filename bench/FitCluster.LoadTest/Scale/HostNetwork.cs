using System.Diagnostics;
using System.Globalization;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// Hosts for the silos on this machine: one Linux network namespace per host, each joined by a veth pair to a bridge in
/// the root namespace, on a /24 of 10.213.0.0/16 picked from this process's id. The bridge holds <see cref="BridgeAddress"/>
/// (Redis and the load generator stay in the root namespace); host i holds <c>.(10 + i)</c>, so silos talk to each
/// other and to Redis over real TCP between network stacks. Everything made is named after this process
/// (<c>fitscale-PID-N</c>, <c>fsbPID</c>, <c>fsvPIDhN</c>) and removed on <see cref="DisposeAsync"/>; <see cref="RemoveStaleAsync"/>
/// removes what a killed run left behind. Needs root and iproute2's <c>ip</c>.
/// </summary>
public sealed class HostNetwork : IAsyncDisposable
{
    /// <summary>Prefix of every namespace this class makes.</summary>
    public const string NamespacePrefix = "fitscale-";

    private static readonly string[] s_ipPaths = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];
    private readonly string _ip;
    private readonly string _bridge;
    private readonly List<string> _namespaces = [];
    private readonly List<string> _links = [];

    private HostNetwork(string ip, string bridge, string subnet)
    {
        _ip = ip;
        _bridge = bridge;
        Subnet = subnet;
    }

    /// <summary>The /24's first three octets, e.g. <c>10.213.42</c>.</summary>
    public string Subnet { get; }

    /// <summary>The bridge's address in the root namespace (Redis binds it; the generator reaches the hosts from it).</summary>
    public string BridgeAddress => Subnet + ".1";

    /// <summary>The hosts made so far: namespace name and address.</summary>
    public IReadOnlyList<(string Namespace, string Address)> Hosts =>
        [.. _namespaces.Select((ns, i) => (ns, string.Create(CultureInfo.InvariantCulture, $"{Subnet}.{10 + i + 1}")))];

    /// <summary>Why hosts cannot be made here (not root, no <c>ip</c>), or null when they can.</summary>
    public static string? Problem() => Problem(Environment.IsPrivilegedProcess, LocateIp());

    /// <summary><see cref="Problem()"/> for a given privilege and <c>ip</c> path (null: not found).</summary>
    public static string? Problem(bool isRoot, string? ipPath) =>
        !isRoot ? "network namespaces need root: run the scale benchmark as root (sudo ./fit bench scale …)"
        : ipPath is null ? $"no iproute2 'ip' in {string.Join(", ", s_ipPaths)}: install Debian's iproute2 package"
        : null;

    /// <summary>Makes the bridge and <paramref name="hosts"/> namespaces; on any failure removes what it made and throws.</summary>
    public static async Task<HostNetwork> CreateAsync(int hosts, CancellationToken cancellationToken = default)
    {
        if (Problem() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var id = Environment.ProcessId;
        var network = new HostNetwork(LocateIp()!, $"fsb{id}", string.Create(CultureInfo.InvariantCulture, $"10.213.{id % 250}"));
        try
        {
            await network.RunAsync(cancellationToken, "link", "add", network._bridge, "type", "bridge");
            network._links.Add(network._bridge);
            await network.RunAsync(cancellationToken, "addr", "add", network.BridgeAddress + "/24", "dev", network._bridge);
            await network.RunAsync(cancellationToken, "link", "set", network._bridge, "up");
            for (var i = 1; i <= hosts; i++)
            {
                await network.AddHostAsync(id, i, cancellationToken);
            }

            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Removes namespaces (killing what runs in them) and links that an earlier run left behind when its process no longer
    /// exists; returns what it removed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RemoveStaleAsync(CancellationToken cancellationToken = default)
    {
        var ip = LocateIp();
        if (ip is null || !Environment.IsPrivilegedProcess)
        {
            return [];
        }

        var removed = new List<string>();
        var (_, namespaces) = await RunToolAsync(ip, ["netns", "list"], cancellationToken);
        foreach (var line in namespaces.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (OwnerOf(name, NamespacePrefix) is { } owner && !IsAlive(owner))
            {
                await KillProcessesInAsync(ip, name, cancellationToken);
                await RunToolAsync(ip, ["netns", "del", name], cancellationToken);
                removed.Add(name);
            }
        }

        var (_, links) = await RunToolAsync(ip, ["-o", "link", "show"], cancellationToken);
        foreach (var line in links.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            var name = parts.Length > 1 ? parts[1].Trim().Split('@')[0] : string.Empty;
            if (OwnerOf(name, "fsb") is { } owner && !IsAlive(owner))
            {
                await RunToolAsync(ip, ["link", "del", name], cancellationToken);
                removed.Add(name);
            }
        }

        return removed;
    }

    /// <summary>The process id a name made by this class carries after <paramref name="prefix"/>, or null when it is not one.</summary>
    public static int? OwnerOf(string name, string prefix)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name[prefix.Length..];
        var end = rest.IndexOf('-', StringComparison.Ordinal);
        var digits = end < 0 ? rest : rest[..end];
        return digits.Length > 0 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>The command line that runs <paramref name="command"/> inside host <paramref name="namespaceName"/>.</summary>
    public (string FileName, IReadOnlyList<string> Arguments) InHost(string namespaceName, string command, IEnumerable<string> arguments) =>
        (_ip, ["netns", "exec", namespaceName, command, .. arguments]);

    /// <summary>Kills whatever still runs in the hosts, then removes the namespaces and the bridge.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var ns in _namespaces)
        {
            await KillProcessesInAsync(_ip, ns, CancellationToken.None);
            await RunToolAsync(_ip, ["netns", "del", ns], CancellationToken.None);
        }

        _namespaces.Clear();
        foreach (var link in _links)
        {
            await RunToolAsync(_ip, ["link", "del", link], CancellationToken.None); // a veth's peer goes with it
        }

        _links.Clear();
    }

    private async Task AddHostAsync(int id, int number, CancellationToken cancellationToken)
    {
        var ns = string.Create(CultureInfo.InvariantCulture, $"{NamespacePrefix}{id}-{number}");
        string hostSide = string.Create(CultureInfo.InvariantCulture, $"fsv{id}h{number}"), inside = string.Create(CultureInfo.InvariantCulture, $"fsv{id}n{number}");
        await RunAsync(cancellationToken, "netns", "add", ns);
        _namespaces.Add(ns);
        await RunAsync(cancellationToken, "link", "add", hostSide, "type", "veth", "peer", "name", inside);
        _links.Add(hostSide);
        await RunAsync(cancellationToken, "link", "set", inside, "netns", ns);
        await RunAsync(cancellationToken, "link", "set", hostSide, "master", _bridge);
        await RunAsync(cancellationToken, "link", "set", hostSide, "up");
        var address = string.Create(CultureInfo.InvariantCulture, $"{Subnet}.{10 + number}/24");
        await RunAsync(cancellationToken, "-n", ns, "addr", "add", address, "dev", inside);
        await RunAsync(cancellationToken, "-n", ns, "link", "set", inside, "up");
        await RunAsync(cancellationToken, "-n", ns, "link", "set", "lo", "up");
    }

    private async Task RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var (code, output) = await RunToolAsync(_ip, arguments, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"`ip {string.Join(' ', arguments)}` failed ({code}): {output.Trim()}");
        }
    }

    private static async Task KillProcessesInAsync(string ip, string ns, CancellationToken cancellationToken)
    {
        var (_, pids) = await RunToolAsync(ip, ["netns", "pids", ns], cancellationToken);
        foreach (var text in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: true);
                }
                catch (ArgumentException)
                {
                    // already gone
                }
                catch (InvalidOperationException)
                {
                    // exited meanwhile
                }
            }
        }
    }

    private static async Task<(int Code, string Output)> RunToolAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await error);
    }

    private static bool IsAlive(int pid) => Directory.Exists(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}"));

    private static string? LocateIp() => s_ipPaths.FirstOrDefault(File.Exists);
}
