using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FitCluster.LoadTest;

/// <summary>
/// <c>FitCluster.LoadTest users</c>: what the user grain's heads cache saves. Stores U users (a golden user's features
/// and a full-length history each, through <c>PUT /v1/users/{id}</c> and <c>POST /v1/users/{id}/events</c>), then, one
/// request at a time, per round and user: ranks inline (the user tower runs in the request), appends one event (the
/// cache is dropped), ranks by <c>user_id</c> (the user grain runs the tower) and ranks by <c>user_id</c> again (heads
/// cached: no tower). Reports client latency and the server's <c>cluster_ms</c> and <c>user_tower_ms</c> per kind.
/// </summary>
public static class UserCacheBench
{
    private const string Inline = "inline (tower per request)";
    private const string First = "by user_id, first after a change (tower runs)";
    private const string Cached = "by user_id, repeated (heads cached)";

    /// <summary>The <c>users</c> command.</summary>
    public static RootCommand Create()
    {
        var url = new Option<string>("--url") { Description = "A silo's or the gateway's base URL", DefaultValueFactory = _ => "http://127.0.0.1:5080/" };
        var artifact = new Option<string>("--artifact") { Description = "The served artifact folder (users and items are drawn from it)", Required = true };
        var candidates = new Option<int>("--candidates") { Description = "Distinct candidates per request", DefaultValueFactory = _ => 100 };
        var users = new Option<int>("--users") { Description = "Users stored and cycled through", DefaultValueFactory = _ => 16 };
        var rounds = new Option<int>("--rounds") { Description = "Measured rounds over every user (one warm-up round first)", DefaultValueFactory = _ => 40 };
        var output = new Option<string?>("--out") { Description = "Markdown file to append the result to" };
        var command = new RootCommand("Measures ranking by user_id with the user heads cached against the user tower running (inline, or after a change); " +
            "the admin token comes from FITCLUSTER_ADMIN_TOKEN")
        {
            url, artifact, candidates, users, rounds, output,
        };
        command.SetAction(async (parse, cancellationToken) => await RunAsync(
            new Uri(parse.GetRequiredValue(url)), parse.GetRequiredValue(artifact), parse.GetValue(candidates), parse.GetValue(users),
            parse.GetValue(rounds), parse.GetValue(output), cancellationToken).ConfigureAwait(false));
        return command;
    }

    private static async Task<int> RunAsync(Uri url, string artifact, int candidates, int userCount, int rounds, string? output, CancellationToken cancellationToken)
    {
        var token = (Environment.GetEnvironmentVariable("FITCLUSTER_ADMIN_TOKEN") ?? string.Empty).Split(',')[0].Trim();
        if (token.Length == 0)
        {
            await Console.Error.WriteLineAsync("error: set FITCLUSTER_ADMIN_TOKEN (the users are written with the admin token)").ConfigureAwait(false);
            return 1;
        }

        var sample = ArtifactSample.Load(artifact);
        var requests = RequestBuilder.Build(sample, userCount, candidates, 10, null, seed: 7);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var run = $"bench-{DateTime.UtcNow:yyyyMMddHHmmss}";
        long clock = 1_000_000;
        for (var u = 0; u < userCount; u++)
        {
            var request = requests[u].Request;
            var features = new JsonObject();
            foreach (var (name, value) in request.User)
            {
                features[name] = value;
            }

            await SendAsync(http, HttpMethod.Put, $"v1/users/{run}-{u}", new JsonObject { ["features"] = features }, cancellationToken).ConfigureAwait(false);
            var events = new JsonArray();
            foreach (var item in request.Behaviours)
            {
                events.Add(new JsonObject { ["event_id"] = $"h{clock}", ["item"] = item, ["timestamp"] = clock++ });
            }

            await SendAsync(http, HttpMethod.Post, $"v1/users/{run}-{u}/events", new JsonObject { ["events"] = events }, cancellationToken).ConfigureAwait(false);
        }

        var samples = new Dictionary<string, List<(double Client, double Cluster, double Tower)>>(StringComparer.Ordinal)
        {
            [Inline] = [], [First] = [], [Cached] = [],
        };
        string modelVersion = "";
        for (var round = 0; round <= rounds; round++)
        {
            for (var u = 0; u < userCount; u++)
            {
                var request = requests[u].Request;
                var inline = await RankAsync(http, requests[u].Body, cancellationToken).ConfigureAwait(false);
                var change = new JsonArray { new JsonObject { ["event_id"] = $"h{clock}", ["item"] = request.Behaviours[round % request.Behaviours.Count], ["timestamp"] = clock++ } };
                await SendAsync(http, HttpMethod.Post, $"v1/users/{run}-{u}/events", new JsonObject { ["events"] = change }, cancellationToken).ConfigureAwait(false);
                var byUser = Encoding.UTF8.GetBytes(new JsonObject
                {
                    ["user_id"] = $"{run}-{u}",
                    ["candidates"] = new JsonArray([.. request.Candidates.Select(c => (JsonNode)c)]),
                    ["k"] = request.K,
                }.ToJsonString());
                var first = await RankAsync(http, byUser, cancellationToken).ConfigureAwait(false);
                var cached = await RankAsync(http, byUser, cancellationToken).ConfigureAwait(false);
                modelVersion = first.ModelVersion;
                if (round > 0)
                {
                    samples[Inline].Add(inline.Sample);
                    samples[First].Add(first.Sample);
                    samples[Cached].Add(cached.Sample);
                }
            }

            Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\rround {round}/{rounds}"));
        }

        Console.Error.WriteLine();
        var report = Report(modelVersion, candidates, userCount, rounds, samples);
        Console.Write(report);
        if (output is not null)
        {
            await File.AppendAllTextAsync(output, report, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private static string Report(string modelVersion, int candidates, int users, int rounds, Dictionary<string, List<(double Client, double Cluster, double Tower)>> samples)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"\n### {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Hardware.Describe()}: {modelVersion}, {candidates} candidates, k 10, {users} users × {rounds} rounds\n\n");
        text.Append("| request | n | client p50 ms | client p90 ms | client p99 ms | cluster_ms p50 | user_tower_ms p50 |\n|---|---:|---:|---:|---:|---:|---:|\n");
        foreach (var (kind, list) in samples)
        {
            text.Append(c, $"| {kind} | {list.Count} | {P(list, s => s.Client, 0.5):F3} | {P(list, s => s.Client, 0.9):F3} | {P(list, s => s.Client, 0.99):F3} | {P(list, s => s.Cluster, 0.5):F3} | {P(list, s => s.Tower, 0.5):F3} |\n");
        }

        double Ratio(string slow, Func<(double Client, double Cluster, double Tower), double> of) => P(samples[slow], of, 0.5) / P(samples[Cached], of, 0.5);
        text.Append(c, $"\nHeads cached against the tower running after a change: {Ratio(First, s => s.Client):F2}× (client p50), {Ratio(First, s => s.Cluster):F2}× (cluster_ms p50); ");
        text.Append(c, $"against inline: {Ratio(Inline, s => s.Client):F2}× (client p50), {Ratio(Inline, s => s.Cluster):F2}× (cluster_ms p50).\n");
        return text.ToString();
    }

    private static double P(List<(double Client, double Cluster, double Tower)> list, Func<(double Client, double Cluster, double Tower), double> of, double quantile)
    {
        var sorted = list.Select(of).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
    }

    private static async Task<(string ModelVersion, (double Client, double Cluster, double Tower) Sample)> RankAsync(HttpClient http, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync(new Uri("v1/rank", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var client = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /v1/rank answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        var timings = json.RootElement.GetProperty("timings");
        return (json.RootElement.GetProperty("model_version").GetString() ?? "",
            (client, timings.GetProperty("cluster_ms").GetDouble(), timings.GetProperty("user_tower_ms").GetDouble()));
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }
}
