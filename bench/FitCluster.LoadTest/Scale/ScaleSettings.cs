using System.Globalization;

namespace FitCluster.LoadTest.Scale;

/// <summary>One scale benchmark's settings, as given on the command line (see <see cref="ScaleCommand"/>).</summary>
/// <param name="ArtifactDirectory">The exported FIT artifact whose item tower generates the catalogs.</param>
/// <param name="Items">Catalog sizes (items), each ≥ the artifact's own item count (its items are kept as the first rows).</param>
/// <param name="Silos">Silo counts; each silo is its own host (a network namespace).</param>
/// <param name="Candidates">Candidates per request, each 1..10,000 (the silo's default limit).</param>
/// <param name="Half">Whether the catalogs store their heads as float16 (otherwise float32).</param>
/// <param name="Quick">Smoke-test sizes and windows.</param>
/// <param name="OutputDirectory">Where scale.md, scale.csv and the plots go.</param>
/// <param name="WorkDirectory">Where catalogs (reused across runs when complete), Redis and silo logs go.</param>
/// <param name="Rate">The fixed moderate rate of the latency measurement, requests per second.</param>
/// <param name="Concurrency">Saturation: workers sending back to back.</param>
/// <param name="Window">Measurement window of each load phase.</param>
/// <param name="Warmup">Load sent before each window and not measured.</param>
/// <param name="K">Top-k asked for.</param>
/// <param name="Verify">Requests per configuration whose top-k is compared with the in-process ranker's.</param>
/// <param name="ShardsPerSilo">Item shards per silo (<c>Ranking:ShardCount</c> = silos × this).</param>
/// <param name="Seed">Seed of the generated item features and of the request draws.</param>
/// <param name="ReadyTimeout">Longest wait for the silos to be ready (load, verify, warm up).</param>
/// <param name="SiloSettings">Silo configuration overrides, <c>Section:Key=Value</c> each, passed to every silo after the
/// benchmark's own (e.g. <c>Ranking:ShardJoinGrace=00:00:00</c>); none by default: the silos' defaults are measured.</param>
public sealed record ScaleSettings(
    string ArtifactDirectory,
    IReadOnlyList<int> Items,
    IReadOnlyList<int> Silos,
    IReadOnlyList<int> Candidates,
    bool Half,
    bool Quick,
    string OutputDirectory,
    string WorkDirectory,
    double Rate,
    int Concurrency,
    TimeSpan Window,
    TimeSpan Warmup,
    int K,
    int Verify,
    int ShardsPerSilo,
    int Seed,
    TimeSpan ReadyTimeout,
    IReadOnlyList<string>? SiloSettings = null)
{
    /// <summary>The most candidates a silo accepts by default (<c>Ranking:MaxCandidates</c>).</summary>
    public const int MaxCandidates = 10_000;

    /// <summary>The most silos one run starts.</summary>
    public const int MaxSilos = 16;

    /// <summary>Catalog precision as the report names it: <c>fp16</c> or <c>fp32</c>.</summary>
    public string Precision => Half ? "fp16" : "fp32";

    /// <summary>Every setting out of range, as messages naming the option; empty when the settings can run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Require(Items.Count > 0 && Items.All(n => n >= 1), "--items needs at least one size ≥ 1", problems);
        Require(Silos.Count > 0 && Silos.All(n => n is >= 1 and <= MaxSilos), $"--silos needs counts in 1..{MaxSilos}", problems);
        Require(Candidates.Count > 0 && Candidates.All(n => n is >= 1 and <= MaxCandidates), $"--candidates needs counts in 1..{MaxCandidates:N0}", problems);
        Require(Candidates.All(n => Items.All(items => n <= items)), "--candidates must not exceed the smallest catalog (candidates are distinct)", problems);
        Require(Rate > 0 && double.IsFinite(Rate), "--rate must be > 0", problems);
        Require(Concurrency >= 1, "--concurrency must be ≥ 1", problems);
        Require(Window > TimeSpan.Zero, "--window must be > 0", problems);
        Require(Warmup >= TimeSpan.Zero, "--warmup must be ≥ 0", problems);
        Require(K >= 1, "--k must be ≥ 1", problems);
        Require(Verify >= 0, "--verify must be ≥ 0", problems);
        Require(ShardsPerSilo >= 1, "--shards-per-silo must be ≥ 1", problems);
        Require(ReadyTimeout > TimeSpan.Zero, "--ready-timeout must be > 0", problems);
        foreach (var setting in SiloSettings ?? [])
        {
            Require(IsSiloSetting(setting), $"--silo-setting '{setting}' is not Section:Key=Value (a key of letters, digits, ':', '_' or '.', then '=')", problems);
        }
        return problems;
    }

    /// <summary>
    /// Parses a comma-separated list of counts: digits with an optional <c>k</c> (×1,000) or <c>M</c> (×1,000,000)
    /// suffix and <c>_</c> separators (<c>100000,1M,10_000k</c>), in the order given, duplicates removed.
    /// </summary>
    /// <returns>The counts, or null with <paramref name="problem"/> naming the entry that is not one.</returns>
    public static IReadOnlyList<int>? ParseCounts(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "an empty list";
            return null;
        }

        var counts = new List<int>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var entry = raw.Replace("_", string.Empty, StringComparison.Ordinal);
            long multiplier = 1;
            if (entry.EndsWith('k') || entry.EndsWith('K'))
            {
                multiplier = 1_000;
                entry = entry[..^1];
            }
            else if (entry.EndsWith('M'))
            {
                multiplier = 1_000_000;
                entry = entry[..^1];
            }

            if (entry.Length == 0 || !entry.All(char.IsAsciiDigit)
                || !long.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                || value * multiplier is <= 0 or > int.MaxValue)
            {
                problem = $"'{raw}' is not a count between 1 and {int.MaxValue:N0}";
                return null;
            }

            var count = (int)(value * multiplier);
            if (!counts.Contains(count))
            {
                counts.Add(count);
            }
        }

        return counts;
    }

    /// <summary>Whether <paramref name="setting"/> is <c>Key=Value</c> with a configuration key (letters, digits, <c>:</c>, <c>_</c>, <c>.</c>) before the first <c>=</c>.</summary>
    public static bool IsSiloSetting(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var equals = setting.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && setting[..equals].All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '.');
    }

    private static void Require(bool condition, string problem, List<string> problems)
    {
        if (!condition)
        {
            problems.Add(problem);
        }
    }
}
