using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FitCluster.Client.Api;
using FitCluster.Model.Artifacts;

namespace FitCluster.Client.Cli;

/// <summary><c>rank --gateway URL</c>: one request (or the golden set's) through the HTTP gateway, optionally repeated for latency.</summary>
internal static class GatewayRank
{
    public static int Run(
        TextWriter output, TextWriter error, Uri gateway, string? artifact, bool demo, int requestIndex,
        Dictionary<string, string> user, string[] behaviours, string[] candidates, int k, int repeat)
    {
        RankRequestBody body;
        IReadOnlyList<float>? trainerScores = null;
        IReadOnlyList<string>? goldenCandidates = null;
        if (demo)
        {
            if (artifact is null)
            {
                error.WriteLine("error: --demo needs --artifact DIR for the golden set.");
                return 1;
            }

            var golden = GoldenSet.Read(Path.Combine(artifact, "golden.json"));
            var request = golden.Requests[Math.Clamp(requestIndex, 0, golden.Requests.Count - 1)];
            body = Body(request.UserFeatures, request.Behaviours, request.Candidates, k);
            body.ModelVersion = ReadModelVersion(artifact); // the trainer scores belong to this version, whichever is active
            trainerScores = request.Scores;
            goldenCandidates = request.Candidates;
        }
        else
        {
            if (user.Count == 0 || candidates.Length == 0)
            {
                error.WriteLine("error: --user and --candidates are required (or use --demo).");
                return 1;
            }

            body = Body(user, behaviours, candidates, k);
        }

        using var http = new HttpClient { BaseAddress = gateway.AbsoluteUri.EndsWith('/') ? gateway : new Uri(gateway.AbsoluteUri + "/"), Timeout = TimeSpan.FromSeconds(30) };
        var client = new FitClusterHttpClient(http);
        var latencies = new List<double>(repeat);
        var clusterMs = new List<double>(repeat);
        RankResponseBody? response = null;
        try
        {
            for (var i = 0; i < Math.Max(repeat, 1); i++)
            {
                var started = Stopwatch.GetTimestamp();
                response = client.RankAsync(body).GetAwaiter().GetResult();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                clusterMs.Add(response.Timings.GetValueOrDefault("cluster_ms"));
            }
        }
        catch (FitClusterApiException e)
        {
            error.WriteLine($"error: {e.Message}");
            return e.StatusCode is >= 400 and < 500 ? 1 : 4;
        }
        catch (HttpRequestException e)
        {
            error.WriteLine($"error: no gateway answers at {gateway}: {e.Message}");
            return 4;
        }

        output.WriteLine($"model {response!.ModelVersion} via {gateway}");
        for (var i = 0; i < response.Items.Count; i++)
        {
            var item = response.Items[i];
            var line = string.Create(CultureInfo.InvariantCulture, $"{i + 1,5}  {item.ItemId,-10} {item.Score,8:F4}");
            if (trainerScores is not null)
            {
                line += string.Create(CultureInfo.InvariantCulture, $"  (trainer {trainerScores[IndexOf(goldenCandidates!, item.ItemId)],8:F4})");
            }

            output.WriteLine(line);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"coverage {response.Coverage:P1}; unknown candidates: {response.UnknownCandidates.Count}; server timings (ms): {string.Join(", ", response.Timings.Select(p => $"{p.Key} {p.Value:F3}"))}"));
        if (latencies.Count > 1)
        {
            latencies.Sort();
            clusterMs.Sort();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{latencies.Count} requests: client p50 {Percentile(latencies, 50):F3} ms, p99 {Percentile(latencies, 99):F3} ms; cluster p50 {Percentile(clusterMs, 50):F3} ms"));
        }

        return 0;
    }

    private static RankRequestBody Body(IReadOnlyDictionary<string, string> user, IReadOnlyList<string> behaviours, IReadOnlyList<string> candidates, int k) => new()
    {
        User = user.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value), StringComparer.Ordinal),
        Behaviours = [.. behaviours],
        Candidates = [.. candidates],
        K = k,
    };

    private static string ReadModelVersion(string artifact)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(artifact, ModelManifest.FileName)));
        return manifest.RootElement.GetProperty("model_version").GetString()!;
    }

    private static double Percentile(List<double> sorted, double percentile) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1)];

    private static int IndexOf(IReadOnlyList<string> keys, string key)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] == key)
            {
                return i;
            }
        }

        return -1;
    }
}
