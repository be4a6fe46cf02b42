namespace FitCluster.Silo;

/// <summary>
/// The Orleans Dashboard on the silo's own web host (configuration section <c>Cluster:Dashboard</c>). It shows cluster
/// internals (silos, grain types, call rates, errors), so it is off by default and, when on, answers connections from
/// loopback only: reach it with <c>kubectl port-forward</c> or an SSH tunnel. Remote callers get 404 unless
/// <see cref="AllowRemote"/> is set, and even then they must present the admin token (<c>Authorization: Bearer</c>, as an
/// authenticating reverse proxy would add it).
/// </summary>
public sealed class DashboardHostingOptions
{
    /// <summary>Whether the dashboard is served. Default false (its path then answers 404).</summary>
    public bool Enabled { get; set; }

    /// <summary>The path it is served under on the silo's URLs (<c>Urls</c>). Default <c>/dashboard</c>.</summary>
    public string Path { get; set; } = "/dashboard";

    /// <summary>
    /// Whether connections from non-loopback addresses may reach it (with the admin token). Default false: they get 404,
    /// whatever address the silo's web host binds.
    /// </summary>
    public bool AllowRemote { get; set; }

    /// <summary>How often each silo's counters are refreshed, in milliseconds. Default 1000 (the dashboard's own default).</summary>
    public int CounterUpdateIntervalMs { get; set; } = 1000;
}
