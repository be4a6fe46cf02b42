using System.CommandLine;
using System.Globalization;
using FitCluster.Model;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;

namespace FitCluster.Client.Cli;

/// <summary>
/// <c>fit rank</c>: ranks one request with an exported model in-process, either given on the command line or drawn
/// from the artifact's golden set (<c>--demo</c>), where the trainer's own scores are printed beside serving's.
/// </summary>
public static class RankCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var artifact = new Option<string?>("--artifact") { Description = "Artifact folder written by ./fit export (with --gateway: only for --demo's golden set)" };
        var user = new Option<string?>("--user") { Description = "User features as name=value pairs separated by commas, e.g. user_id=42,gender=F,age=25,occupation=7,zip_prefix=481" };
        var behaviours = new Option<string?>("--behaviours") { Description = "Item ids the user interacted with, oldest first, comma-separated" };
        var candidates = new Option<string?>("--candidates") { Description = "Item ids to rank, comma-separated" };
        var k = new Option<int>("--k") { Description = "How many to return", DefaultValueFactory = _ => 10 };
        var demo = new Option<bool>("--demo") { Description = "Rank the golden set's first request and compare with the trainer's scores" };
        var request = new Option<int>("--request") { Description = "With --demo: which golden request (0-based)", DefaultValueFactory = _ => 0 };
        var tower = new Option<UserTowerImplementation>("--user-tower") { Description = "User tower implementation", DefaultValueFactory = _ => UserTowerImplementation.Native };
        var gateway = new Option<string?>("--gateway") { Description = "Rank through a running gateway (e.g. http://127.0.0.1:8080) instead of in-process" };
        var repeat = new Option<int>("--requests") { Description = "With --gateway: send the request this many times and print latency percentiles", DefaultValueFactory = _ => 1 };
                var command = new Command("rank", "Rank candidates for a user with an exported model (in-process) or through a running gateway")
        {
            artifact, user, behaviours, candidates, k, demo, request, tower, gateway, repeat,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(gateway) is { } address)
            {
                if (!Uri.TryCreate(address, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    error.WriteLine($"error: --gateway '{address}' is not an http(s) URL.");
                    return 1;
                }

                return GatewayRank.Run(output, error, url, parse.GetValue(artifact), parse.GetValue(demo), parse.GetValue(request),
                    ParseUser(parse.GetValue(user)), Split(parse.GetValue(behaviours)), Split(parse.GetValue(candidates)), parse.GetValue(k), parse.GetValue(repeat));
            }

            if (parse.GetValue(artifact) is null)
            {
                error.WriteLine("error: --artifact DIR (in-process) or --gateway URL is required.");
                return 1;
            }

            try
            {
                using var ranker = Ranker.Load(parse.GetValue(artifact)!, new InferenceOptions { UserTower = parse.GetValue(tower) });
                return parse.GetValue(demo)
                    ? Demo(output, ranker, parse.GetValue(request), parse.GetValue(k))
                    : RankOne(output, ranker, parse.GetValue(user), parse.GetValue(behaviours), parse.GetValue(candidates), parse.GetValue(k));
            }
            catch (ArtifactException e)
            {
                error.WriteLine($"error: the model artifact cannot be used: {e.Message}");
                return 2;
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"error: bad request: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static int RankOne(TextWriter output, Ranker ranker, string? user, string? behaviours, string? candidates, int k)
    {
        if (string.IsNullOrWhiteSpace(user) || string.IsNullOrWhiteSpace(candidates))
        {
            throw new ArgumentException("--user and --candidates are required (or use --demo).");
        }

        var query = new RankQuery(ParseUser(user), Split(behaviours), Split(candidates), k);
        Print(output, ranker, ranker.Rank(query), null);
        return 0;
    }

    private static int Demo(TextWriter output, Ranker ranker, int index, int k)
    {
        var golden = GoldenSet.Read(ranker.Artifact.PathOf(ranker.Artifact.Manifest.Golden.File));
        if (index < 0 || index >= golden.Requests.Count)
        {
            throw new ArgumentException($"--request must be in 0..{golden.Requests.Count - 1}.");
        }

        var request = golden.Requests[index];
        output.WriteLine($"user {string.Join(", ", request.UserFeatures.Select(p => $"{p.Key}={p.Value}"))}; " +
            $"{request.Behaviours.Count} behaviours; {request.Candidates.Count} candidates");
        var expected = new Dictionary<string, float>(StringComparer.Ordinal);
        for (var c = 0; c < request.Candidates.Count; c++)
        {
            expected[request.Candidates[c]] = request.Scores[c];
        }

        var outcome = ranker.Rank(new RankQuery(request.UserFeatures, request.Behaviours, request.Candidates, k));
        Print(output, ranker, outcome, expected);

        // The trainer's own top-k, by the same order rule (score, then earlier candidate).
        var trainerOrder = Enumerable.Range(0, request.Candidates.Count)
            .OrderByDescending(c => request.Scores[c]).ThenBy(c => c).Take(outcome.Items.Count).Select(c => request.Candidates[c]).ToArray();
        var worst = outcome.Items.Max(item => Math.Abs(item.Score - expected[item.ItemKey]));
        var sameOrder = trainerOrder.SequenceEqual(outcome.Items.Select(item => item.ItemKey));
        var tolerance = ranker.Artifact.Manifest.Golden.Tolerance;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"max |serving − trainer| over the top-{outcome.Items.Count}: {worst:G3} (tolerance {tolerance:G3}); same order as the trainer: {(sameOrder ? "yes" : "NO")}"));
        return worst <= tolerance && sameOrder ? 0 : 3;
    }

    private static void Print(TextWriter output, Ranker ranker, RankOutcome outcome, Dictionary<string, float>? expected)
    {
        output.WriteLine($"model {outcome.ModelVersion} ({ranker.Artifact.Manifest.ModelKind}, user tower: {ranker.UserTower.Implementation})");
        output.WriteLine(expected is null ? " rank  item        score   probability" : " rank  item        score   probability  trainer score");
        for (var i = 0; i < outcome.Items.Count; i++)
        {
            var item = outcome.Items[i];
            var probability = 1 / (1 + Math.Exp(-item.Score));
            var line = string.Create(CultureInfo.InvariantCulture, $"{i + 1,5}  {item.ItemKey,-10} {item.Score,7:F4}  {probability,11:F4}");
            output.WriteLine(expected is null ? line : line + string.Create(CultureInfo.InvariantCulture, $"  {expected[item.ItemKey],13:F4}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scored {outcome.Scored} of {outcome.Scored + outcome.UnknownCandidates.Count} candidates (coverage {outcome.Coverage:P1}); " +
            $"user tower {outcome.Timings.UserTowerMs:F3} ms, scoring {outcome.Timings.ScoringMs:F3} ms, top-k {outcome.Timings.TopKMs:F3} ms, total {outcome.Timings.TotalMs:F3} ms"));
        if (outcome.UnknownCandidates.Count > 0)
        {
            output.WriteLine($"unknown candidates (not scored): {string.Join(", ", outcome.UnknownCandidates.Take(20))}{(outcome.UnknownCandidates.Count > 20 ? ", …" : string.Empty)}");
        }

        if (outcome.UnknownBehaviours.Count > 0)
        {
            output.WriteLine($"unknown behaviours (left out): {string.Join(", ", outcome.UnknownBehaviours.Take(20))}");
        }

        if (outcome.UnknownFeatures.Count > 0)
        {
            output.WriteLine($"user features with values the model never saw: {string.Join(", ", outcome.UnknownFeatures)}");
        }
    }

    /// <summary>Parses <c>name=value,name=value</c>.</summary>
    internal static Dictionary<string, string> ParseUser(string? user)
    {
        var features = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (user ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !features.TryAdd(pair[..equals], pair[(equals + 1)..]))
            {
                throw new ArgumentException($"'{pair}' in --user is not a new name=value pair.");
            }
        }

        return features;
    }

    internal static string[] Split(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
