using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FitCluster.Model.Artifacts;

namespace FitCluster.LoadTest;

/// <summary>
/// Measures the live item catalog (<c>PUT /v1/items</c>) against a running silo or gateway: items with features drawn
/// from the served artifact's item vocabularies are upserted in batches (a few in flight) while a steady ranking load
/// runs; after each acknowledged batch one of its items is ranked at once, and again every 10 ms until it is known, which
/// gives the time from acknowledgement to rankable. Reports items/s, batch latency, that visibility time and the ranking
/// latency during the writes (markdown, appended to <c>--out</c>).
/// </summary>
public static class ItemWriteBench
{
    /// <summary>The <c>items</c> command.</summary>
    public static RootCommand Create()
    {
        var url = new Option<string>("--url") { Description = "A silo's or the gateway's base URL", DefaultValueFactory = _ => "http://127.0.0.1:5080/" };
        var artifact = new Option<string>("--artifact") { Description = "The served artifact folder (features and ranking candidates are drawn from it)", Required = true };
        var items = new Option<int>("--items") { Description = "Items to upsert", DefaultValueFactory = _ => 100_000 };
        var batch = new Option<int>("--batch") { Description = "Items per request", DefaultValueFactory = _ => 1_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Write requests in flight", DefaultValueFactory = _ => 2 };
        var rankRate = new Option<int>("--rank-rate") { Description = "Ranking requests per second during the writes (0: none)", DefaultValueFactory = _ => 100 };
        var candidates = new Option<int>("--candidates") { Description = "Candidates per ranking request", DefaultValueFactory = _ => 2_000 };
        var output = new Option<string?>("--out") { Description = "Markdown file to append the result to" };
        var plot = new Option<string?>("--plot") { Description = "PNG to draw: items stored and acknowledged → rankable time against time (FILE.png)" };
        var command = new RootCommand("Measures item upserts: items/s, time from acknowledgement to rankable, ranking latency meanwhile; " +
            "the admin token comes from FITCLUSTER_ADMIN_TOKEN")
        {
            url, artifact, items, batch, concurrency, rankRate, candidates, output, plot,
        };
        command.SetAction(async (parse, cancellationToken) => await RunAsync(
            new Uri(parse.GetRequiredValue(url)), parse.GetRequiredValue(artifact), parse.GetValue(items), parse.GetValue(batch), parse.GetValue(concurrency),
            parse.GetValue(rankRate), parse.GetValue(candidates), parse.GetValue(output), parse.GetValue(plot), cancellationToken).ConfigureAwait(false));
        return command;
    }

    private static async Task<int> RunAsync(
        Uri url, string artifactDirectory, int itemCount, int batchSize, int concurrency, int rankRate, int candidates, string? output, string? plotPath,
        CancellationToken cancellationToken)
    {
        var token = (Environment.GetEnvironmentVariable("FITCLUSTER_ADMIN_TOKEN") ?? string.Empty).Split(',')[0].Trim();
        if (token.Length == 0)
        {
            await Console.Error.WriteLineAsync("error: set FITCLUSTER_ADMIN_TOKEN (items are written with the admin token)").ConfigureAwait(false);
            return 1;
        }

        var manifest = ModelArtifact.Inspect(artifactDirectory).Manifest ?? throw new ArgumentException($"{artifactDirectory}: not an artifact.");
        var sample = ArtifactSample.Load(artifactDirectory);
        var rankRequests = RequestBuilder.Build(sample, 64, candidates, 10, null, seed: 11);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var run = $"bench-{DateTime.UtcNow:yyyyMMddHHmmss}";
        var random = new Random(5);
        var bodies = new List<(byte[] Body, string Probe)>();
        for (var first = 0; first < itemCount; first += batchSize)
        {
            var array = new JsonArray();
            for (var i = first; i < Math.Min(itemCount, first + batchSize); i++)
            {
                var features = new JsonObject();
                foreach (var field in manifest.ItemFields)
                {
                    var labels = field.Labels;
                    var count = field.Width == 1 ? 1 : 1 + random.Next(field.Width);
                    var values = new JsonArray();
                    for (var v = 0; v < count; v++)
                    {
                        values.Add(labels[1 + random.Next(labels.Count - 1)]);
                    }

                    features[field.Name] = values;
                }

                array.Add(new JsonObject { ["id"] = $"{run}-{i}", ["features"] = features });
            }

            bodies.Add((Encoding.UTF8.GetBytes(new JsonObject { ["items"] = array }.ToJsonString()), $"{run}-{Math.Min(itemCount, first + batchSize) - 1}"));
        }

        // Steady ranking load, fixed rate, for as long as the writes run.
        using var stopRanking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rankLatencies = new List<double>();
        var rankErrors = 0;
        var ranking = rankRate <= 0 ? Task.CompletedTask : Task.Run(async () =>
        {
            var interval = TimeSpan.FromSeconds(1.0 / rankRate);
            var next = Stopwatch.GetTimestamp();
            var inFlight = new List<Task>();
            for (var n = 0; !stopRanking.IsCancellationRequested; n++)
            {
                var body = rankRequests[n % rankRequests.Count].Body;
                inFlight.Add(Task.Run(async () =>
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var content = new ByteArrayContent(body);
                        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                        using var response = await http.PostAsync(new Uri("v1/rank", UriKind.Relative), content, CancellationToken.None).ConfigureAwait(false);
                        await response.Content.ReadAsByteArrayAsync(CancellationToken.None).ConfigureAwait(false);
                        lock (rankLatencies)
                        {
                            if (response.IsSuccessStatusCode)
                            {
                                rankLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                            }
                            else
                            {
                                rankErrors++;
                            }
                        }
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref rankErrors);
                    }
                }, CancellationToken.None));
                next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, stopRanking.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }, CancellationToken.None);

        var probeCandidates = sample.ItemKeys.Take(99).ToList();
        var batchLatencies = new List<double>();
        var timeline = new List<(double Seconds, long Stored, double VisibleMs)>();
        var visibility = new List<double>();
        var stored = 0L;
        var writeErrors = 0;
        var watch = Stopwatch.StartNew();
        var next = 0;
        var lastProgress = TimeSpan.Zero;
        var user = rankRequests[0].Request.User;
        async Task Writer()
        {
            while (true)
            {
                var index = Interlocked.Increment(ref next) - 1;
                if (index >= bodies.Count || cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                var (body, probe) = bodies[index];
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PutAsync(new Uri("v1/items", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
                var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var acknowledged = Stopwatch.GetTimestamp();
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref writeErrors);
                    await Console.Error.WriteLineAsync($"batch {index}: HTTP {(int)response.StatusCode}: {answer[..Math.Min(300, answer.Length)]}").ConfigureAwait(false);
                    continue;
                }

                Interlocked.Add(ref stored, JsonDocument.Parse(answer).RootElement.GetProperty("applied").GetInt32());
                var seen = await ProbeAsync(http, user, probe, probeCandidates, cancellationToken).ConfigureAwait(false);
                lock (batchLatencies)
                {
                    batchLatencies.Add(Stopwatch.GetElapsedTime(started, acknowledged).TotalMilliseconds);
                    visibility.Add(seen is null ? double.PositiveInfinity : Stopwatch.GetElapsedTime(acknowledged, seen.Value).TotalMilliseconds);
                    timeline.Add((watch.Elapsed.TotalSeconds, Interlocked.Read(ref stored), visibility[^1]));
                    if (watch.Elapsed - lastProgress >= TimeSpan.FromSeconds(1))
                    {
                        lastProgress = watch.Elapsed;
                        Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{stored:N0} items stored, {stored / watch.Elapsed.TotalSeconds:N0} items/s"));
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Writer())).ConfigureAwait(false);
        var elapsed = watch.Elapsed;
        await stopRanking.CancelAsync().ConfigureAwait(false);
        await ranking.ConfigureAwait(false);
        Console.Error.WriteLine();
        var report = Report(manifest.ModelVersion, itemCount, batchSize, concurrency, rankRate, candidates, stored, writeErrors, elapsed, batchLatencies, visibility, rankLatencies, rankErrors);
        Console.Write(report);
        if (output is not null)
        {
            await File.AppendAllTextAsync(output, report, cancellationToken).ConfigureAwait(false);
        }

        if (plotPath is not null)
        {
            Plot(plotPath, timeline, rankRate);
        }

        return writeErrors == 0 && visibility.All(double.IsFinite) ? 0 : 2;
    }

    // Ranks the probe item with 99 exported items right away, then every 10 ms, until it is known (at most 5 s): when it was first known.
    private static async Task<long?> ProbeAsync(HttpClient http, IReadOnlyDictionary<string, string> user, string probe, List<string> others, CancellationToken cancellationToken)
    {
        var features = new JsonObject();
        foreach (var (name, value) in user)
        {
            features[name] = value;
        }

        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["user"] = features,
            ["candidates"] = new JsonArray([.. others.Append(probe).Select(c => (JsonNode)c)]),
            ["k"] = 10,
        }.ToJsonString());
        var deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(new Uri("v1/rank", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
            var at = Stopwatch.GetTimestamp();
            if (response.IsSuccessStatusCode)
            {
                using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                if (!reply.RootElement.GetProperty("unknown_candidates").EnumerateArray().Any(e => e.GetString() == probe))
                {
                    return at;
                }
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    private static string Report(
        string modelVersion, int items, int batch, int concurrency, int rankRate, int candidates, long stored, int writeErrors, TimeSpan elapsed,
        List<double> batches, List<double> visibility, List<double> ranks, int rankErrors)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"\n### {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Hardware.Describe()}: {modelVersion}\n\n");
        text.Append(c, $"{items:N0} items in batches of {batch:N0}, {concurrency} in flight; ranking load {rankRate} req/s × {candidates:N0} candidates meanwhile.\n\n");
        text.Append("| measure | value |\n|---|---:|\n");
        text.Append(c, $"| items stored | {stored:N0} ({writeErrors} failed batches) |\n");
        text.Append(c, $"| throughput | **{stored / elapsed.TotalSeconds:N0} items/s** over {elapsed.TotalSeconds:F1} s |\n");
        text.Append(c, $"| batch latency p50 / p99 / max | {P(batches, 0.5):F1} / {P(batches, 0.99):F1} / {P(batches, 1):F1} ms |\n");
        text.Append(c, $"| acknowledged → rankable p50 / p99 / max | {P(visibility, 0.5):F1} / **{P(visibility, 0.99):F1}** / {P(visibility, 1):F1} ms (n = {visibility.Count}; includes the probe's own ranking request) |\n");
        text.Append(c, $"| ranking during writes p50 / p99 / max | {P(ranks, 0.5):F2} / {P(ranks, 0.99):F2} / {P(ranks, 1):F2} ms (n = {ranks.Count}, {rankErrors} errors) |\n");
        return text.ToString();
    }

    // Items stored (left axis) and each batch's acknowledged → rankable time (right axis) against seconds since the first write.
    private static void Plot(string path, List<(double Seconds, long Stored, double VisibleMs)> timeline, int rankRate)
    {
        using var plot = new ScottPlot.Plot();
        var points = timeline.OrderBy(t => t.Seconds).ToList();
        var stored = plot.Add.Scatter(points.Select(t => t.Seconds).ToArray(), points.Select(t => (double)t.Stored).ToArray());
        stored.LegendText = "items stored (left)";
        stored.MarkerSize = 0;
        stored.LineWidth = 2;
        var finite = points.Where(t => double.IsFinite(t.VisibleMs)).ToList();
        var visible = plot.Add.Scatter(finite.Select(t => t.Seconds).ToArray(), finite.Select(t => t.VisibleMs).ToArray());
        visible.LegendText = "acknowledged → rankable, ms (right)";
        visible.LineWidth = 0;
        visible.MarkerSize = 4;
        visible.Axes.YAxis = plot.Axes.Right;
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Item upserts, ranking load {rankRate} req/s"));
        plot.XLabel("seconds since the first write");
        plot.Axes.Left.Label.Text = "items stored";
        plot.Axes.Right.Label.Text = "ms";
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.SavePng(path, 900, 500);
    }

    private static double P(List<double> values, double quantile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1 < 0 ? 0 : (int)Math.Ceiling(quantile * sorted.Count) - 1)];
    }
}
