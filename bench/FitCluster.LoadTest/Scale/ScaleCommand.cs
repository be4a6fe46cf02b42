using System.CommandLine;
using System.CommandLine.Parsing;

namespace FitCluster.LoadTest.Scale;

/// <summary>
/// <c>scale</c>: the scale benchmark's command line (<c>./fit bench scale</c>); options, defaults, the <c>--quick</c>
/// sizes and checks. The run itself is <see cref="ScaleRun"/>.
/// </summary>
public static class ScaleCommand
{
    /// <summary>Catalog sizes without <c>--items</c>.</summary>
    public const string DefaultItems = "100000,1000000,10000000";

    /// <summary>Catalog sizes with <c>--quick</c> and without <c>--items</c>.</summary>
    public const string QuickItems = "20000";

    /// <summary>The <c>scale</c> subcommand.</summary>
    public static Command Create()
    {
        var artifact = new Option<string>("--artifact") { Description = "Exported FIT artifact whose item tower generates the catalogs", Required = true };
        var items = CountsOption("--items", $"Catalog sizes, comma-separated (k and M suffixes); default {DefaultItems}, with --quick {QuickItems}");
        var silos = CountsOption("--silos", "Silo counts, each silo its own host (network namespace); default 1,3");
        var candidates = CountsOption("--candidates", "Candidates per request; default 2000,10000, with --quick 2000");
        var half = new Option<bool>("--half") { Description = "Catalogs store their heads as float16 (default float32)" };
        var quick = new Option<bool>("--quick") { Description = "Smoke test: a small catalog, short windows, fewer verified requests" };
        var output = new Option<string?>("--out") { Description = "Result folder (default bench/results/<hardware>/scale in the repository)" };
        var work = new Option<string>("--work") { Description = "Folder for the generated catalogs (kept and reused), Redis and silo logs", DefaultValueFactory = _ => "/var/tmp/fitcluster-bench-scale" };
        var rate = new Option<double?>("--rate") { Description = "The fixed moderate rate of the latency measurement, requests/s; default 20, with --quick 10" };
        var concurrency = new Option<int>("--concurrency") { Description = "Saturation: workers sending back to back", DefaultValueFactory = _ => 16 };
        var window = DurationOption("--window", "Measurement window of each load phase; default 20s, with --quick 4s");
        var warmup = DurationOption("--warmup", "Load sent before each window, not measured; default 5s, with --quick 2s");
        var k = new Option<int>("--k") { Description = "Top-k asked for", DefaultValueFactory = _ => 100 };
        var verify = new Option<int?>("--verify") { Description = "Requests per configuration compared with the in-process Ranker; default 1000, with --quick 100" };
        var shards = new Option<int>("--shards-per-silo") { Description = "Item shards per silo (Ranking:ShardCount = silos × this)", DefaultValueFactory = _ => 2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the item features and request draws", DefaultValueFactory = _ => 1 };
        var readyTimeout = DurationOption("--ready-timeout", "Longest wait for the silos to be ready; default 15m");
        var siloSettings = new Option<string[]>("--silo-setting")
        {
            Description = "A silo configuration override, Section:Key=Value, passed to every silo (repeatable; e.g. Ranking:ShardJoinGrace=00:00:00); default none: the silos' defaults",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("scale", "Scale benchmark: synthetic catalogs through the artifact's item tower, served by 1 and by several silos (a network namespace each, Redis clustering): memory, start-up, latency, saturation, coverage, and the cluster's top-k against the in-process Ranker")
        {
            artifact, items, silos, candidates, half, quick, output, work, rate, concurrency, window, warmup, k, verify, shards, seed, readyTimeout, siloSettings,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = Bind(parse);
            if (settings.Problems() is { Count: > 0 } problems)
            {
                foreach (var problem in problems)
                {
                    await Console.Error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
                }

                return 1;
            }

            return await ScaleRun.RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The settings a parsed <c>scale</c> command line gives: its values, or the defaults (the <c>--quick</c> ones with <c>--quick</c>).</summary>
    public static ScaleSettings Bind(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var quick = parse.GetValue<bool>("--quick");
        return new ScaleSettings(
            Path.GetFullPath(parse.GetRequiredValue<string>("--artifact")),
            parse.GetValue<IReadOnlyList<int>?>("--items") ?? Counts(quick ? QuickItems : DefaultItems),
            parse.GetValue<IReadOnlyList<int>?>("--silos") ?? [1, 3],
            parse.GetValue<IReadOnlyList<int>?>("--candidates") ?? (quick ? [2000] : [2000, 10_000]),
            parse.GetValue<bool>("--half"),
            quick,
            Path.GetFullPath(parse.GetValue<string?>("--out") ?? DefaultOutput()),
            Path.GetFullPath(parse.GetRequiredValue<string>("--work")),
            parse.GetValue<double?>("--rate") ?? (quick ? 10 : 20),
            parse.GetValue<int>("--concurrency"),
            parse.GetValue<TimeSpan?>("--window") ?? TimeSpan.FromSeconds(quick ? 4 : 20),
            parse.GetValue<TimeSpan?>("--warmup") ?? TimeSpan.FromSeconds(quick ? 2 : 5),
            parse.GetValue<int>("--k"),
            parse.GetValue<int?>("--verify") ?? (quick ? 100 : 1000),
            parse.GetValue<int>("--shards-per-silo"),
            parse.GetValue<int>("--seed"),
            parse.GetValue<TimeSpan?>("--ready-timeout") ?? TimeSpan.FromMinutes(15),
            parse.GetValue<string[]>("--silo-setting") ?? []);
    }

    /// <summary>bench/results/&lt;hardware&gt;/scale under the repository that holds the working folder (or the folder itself).</summary>
    public static string DefaultOutput()
    {
        var folder = new DirectoryInfo(Environment.CurrentDirectory);
        for (var d = folder; d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "FitCluster.sln")))
            {
                folder = d;
                break;
            }
        }

        return Path.Combine(folder.FullName, "bench", "results", Hardware.Slug(), "scale");
    }

    private static int[] Counts(string text) => [.. ScaleSettings.ParseCounts(text, out _)!];

    private static Option<IReadOnlyList<int>?> CountsOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            var counts = ScaleSettings.ParseCounts(text, out var problem);
            if (counts is null)
            {
                result.AddError($"{name}: {problem}.");
            }

            return counts;
        },
    };

    private static Option<TimeSpan?> DurationOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = ParseDuration,
    };

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (DurationParser.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration (e.g. 30s, 500ms, 2m).");
        return null;
    }
}
