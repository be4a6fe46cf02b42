namespace FitCluster.Client.Gateway;

/// <summary>
/// Who may call the API's state-changing endpoints (configuration section <c>Admin</c>). Tokens come from the environment
/// variable <see cref="EnvironmentVariable"/> (one, or several separated by commas for key rotation), <see cref="Tokens"/>
/// and <see cref="TokenFile"/>, all together; with none configured the admin endpoints answer 403 <c>admin_disabled</c>.
/// </summary>
public sealed class AdminOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Admin";

    /// <summary>Environment variable holding admin tokens, separated by commas.</summary>
    public const string EnvironmentVariable = "FITCLUSTER_ADMIN_TOKEN";

    /// <summary>Shortest token accepted; shorter ones stop the process at start.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>Admin bearer tokens (each at least <see cref="MinimumTokenLength"/> characters). Default none.</summary>
#pragma warning disable CA1819 // an options array: the configuration binder replaces it whole
    public string[] Tokens { get; set; } = [];
#pragma warning restore CA1819

    /// <summary>A file of admin tokens, one per line, <c>#</c> starting a comment; read at start. Default none.</summary>
    public string? TokenFile { get; set; }
}
