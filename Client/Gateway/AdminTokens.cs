using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FitCluster.Client.Gateway;

/// <summary>
/// The admin tokens of this process, read once at start from <see cref="AdminOptions"/> and the environment, kept only as
/// SHA-256 hashes. A presented token is hashed and compared with every one in constant time, so neither its length
/// nor how much of it matches shows in the time taken.
/// </summary>
public sealed partial class AdminTokens
{
    private readonly byte[][] _hashes;

    /// <summary>Reads the tokens from <paramref name="options"/> and <paramref name="configuration"/>'s <see cref="AdminOptions.EnvironmentVariable"/>.</summary>
    public AdminTokens(IOptions<AdminOptions> options, IConfiguration configuration, ILogger<AdminTokens> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var (tokens, _) = Load(options.Value, configuration[AdminOptions.EnvironmentVariable]);
        _hashes = [.. tokens.Select(t => Hash(t.Token))];
        if (Enabled)
        {
            var sources = string.Join(", ", tokens.Select(t => t.Source));
            LogEnabled(logger, _hashes.Length, sources);
        }
        else
        {
            LogDisabled(logger, AdminOptions.EnvironmentVariable, AdminOptions.SectionName);
        }
    }

    /// <summary>Whether any token is configured: without one, the admin endpoints are disabled.</summary>
    public bool Enabled => _hashes.Length > 0;

    /// <summary>How many tokens are configured.</summary>
    public int Count => _hashes.Length;

    /// <summary>Whether <paramref name="presented"/> is one of the tokens (constant time over all of them).</summary>
    public bool Matches(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        var hash = Hash(presented);
        var matched = false;
        foreach (var expected in _hashes)
        {
            matched |= CryptographicOperations.FixedTimeEquals(hash, expected);
        }

        return matched;
    }

    /// <summary>
    /// The tokens from every source, each with where it came from, and every problem with them (too short, an unreadable
    /// or empty token file). Token values never appear in the problems.
    /// </summary>
    public static (IReadOnlyList<(string Source, string Token)> Tokens, IReadOnlyList<string> Problems) Load(AdminOptions options, string? environmentValue)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tokens = new List<(string Source, string Token)>();
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            var parts = environmentValue.Split(',', StringSplitOptions.TrimEntries);
            for (var i = 0; i < parts.Length; i++)
            {
                Add(string.Create(CultureInfo.InvariantCulture, $"{AdminOptions.EnvironmentVariable} (token {i + 1})"), parts[i]);
            }
        }

        for (var i = 0; i < (options.Tokens ?? []).Length; i++)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"{AdminOptions.SectionName}:Tokens:{i}"), options.Tokens![i]?.Trim() ?? string.Empty);
        }

        if (!string.IsNullOrWhiteSpace(options.TokenFile))
        {
            ReadFile(options.TokenFile);
        }

        return (tokens, problems);

        void Add(string source, string token)
        {
            if (token.Length < AdminOptions.MinimumTokenLength)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{source}: an admin token must be at least {AdminOptions.MinimumTokenLength} characters, this one has {token.Length}."));
            }
            else
            {
                tokens.Add((source, token));
            }
        }

        void ReadFile(string path)
        {
            const string Key = $"{AdminOptions.SectionName}:TokenFile";
            string[] lines;
            try
            {
                lines = File.ReadAllLines(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                problems.Add($"{Key}: cannot read '{path}': {e.Message}");
                return;
            }

            var found = 0;
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                var comment = line.IndexOf('#', StringComparison.Ordinal);
                var token = (comment >= 0 ? line[..comment] : line).Trim();
                if (token.Length > 0)
                {
                    found++;
                    Add(string.Create(CultureInfo.InvariantCulture, $"{Key} '{path}' line {i + 1}"), token);
                }
            }

            if (found == 0)
            {
                problems.Add($"{Key}: '{path}' holds no token (one per line; '#' starts a comment).");
            }
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Admin endpoints enabled with {Count} token(s) from {Sources}")]
    private static partial void LogEnabled(ILogger logger, int count, string sources);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information,
        Message = "Admin endpoints disabled (they answer 403): no admin token configured; set {Variable} or {Section}:Tokens / {Section}:TokenFile to enable them")]
    private static partial void LogDisabled(ILogger logger, string variable, string section);

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
