using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// A deadline at every door: while one of two silos hangs (SIGSTOP: connected, silent) and then dies (SIGKILL), every
/// request at the gateway and at the other silo's own API is answered within the request timeout (2 s) plus 1 s, with
/// a 200 or a 503/504 problem; nothing waits for Orleans' 30 s response timeout.
/// </summary>
[Collection(DeadlineGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class DeadlineTests(TwoSiloClusterFixture fixture)
{
    // The API's default request timeout (Gateway:RequestTimeout, and the silo's Ranking:RequestTimeout) plus 1 s.
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_phase = TimeSpan.FromSeconds(5);
    private const int Senders = 4;
    private const string CatalogLogCategory = "FitCluster.Grains.ModelCatalogGrain";

    [Fact]
    public async Task Rank_SiloHangsThenDies_EveryRequestAnsweredWithinDeadline()
    {
        var cluster = fixture.Cluster;
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var body = new RankBody(TestArtifact.User(2), ["m5", "m6"], [.. Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey)], 10, "fit-test-1");
        // The victim hosts the catalog grain when a silo logged it, so GET /v1/models surely needs it; the survivor's own API is the second door.
        var victim = cluster.Silos.FirstOrDefault(s => s.Process.HasPrinted(CatalogLogCategory)) ?? cluster.Silos[1];
        var survivor = cluster.Silos.First(s => s != victim);
        using var siloHttp = cluster.SiloHttp(survivor.Number);
        var doors = new[] { ("gateway", cluster.Http), ($"silo {survivor.Number}", siloHttp) };

        var before = await SendForAsync(doors, body, TimeSpan.FromSeconds(1), cancellationToken);
        Assert.True(before.All(r => r.Status == 200), $"Before the failure every request succeeds: {Describe(before)}{Environment.NewLine}{cluster.Diagnostics()}");

        await cluster.FreezeSiloAsync(victim.Number);
        var frozen = await SendForAsync(doors, body, s_phase, cancellationToken);
        await cluster.KillSiloAsync(victim.Number);
        var killed = await SendForAsync(doors, body, s_phase, cancellationToken);

        output?.WriteLine($"froze then killed {victim}; while frozen: {Describe(frozen)}; after the kill: {Describe(killed)}");
        foreach (var (phase, results) in new[] { ("frozen", frozen), ("killed", killed) })
        {
            var slow = results.Where(r => r.Elapsed > s_bound).ToList();
            Assert.True(slow.Count == 0, $"{phase}: {slow.Count} requests took longer than {s_bound.TotalSeconds} s: {string.Join("; ", slow.Take(5))}{Environment.NewLine}{cluster.Diagnostics()}");
            var bad = results.Where(r => r.Status != 200 && !(r.Status is 503 or 504 && r.Code is "timeout" or "cluster_unavailable" or "shard_unavailable" && r.ProblemJson)).ToList();
            Assert.True(bad.Count == 0, $"{phase}: answers other than 200 or a 503/504 problem: {string.Join("; ", bad.Take(5))}");
        }

        // The freeze took away something requests needed (else this test proved nothing).
        Assert.Contains(frozen, r => r.Status == 504 || r.Status == 503);
    }

    private static async Task<List<Result>> SendForAsync((string Door, HttpClient Http)[] doors, RankBody body, TimeSpan duration, CancellationToken cancellationToken)
    {
        var results = new ConcurrentQueue<Result>();
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(async sender =>
        {
            var (door, http) = doors[sender % doors.Length];
            for (var i = 0; Stopwatch.GetTimestamp() < until; i++)
            {
                var models = i % 3 == 2;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = models
                        ? await http.GetAsync(new Uri("v1/models", UriKind.Relative), cancellationToken)
                        : await http.RankAsync(body, cancellationToken);
                    var text = await response.Content.ReadAsStringAsync(cancellationToken);
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                    var code = problem ? JsonSerializer.Deserialize<ProblemReply>(text, WireJson.Options)?.Code : null;
                    results.Enqueue(new Result(door, models ? "GET /v1/models" : "POST /v1/rank", (int)response.StatusCode, code, problem, elapsed, text.Length > 300 ? text[..300] : text));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    results.Enqueue(new Result(door, models ? "GET /v1/models" : "POST /v1/rank", 0, null, false, Stopwatch.GetElapsedTime(started), e.Message));
                }
            }
        }));
        return [.. results];
    }

    private static string Describe(List<Result> results) =>
        $"{results.Count} requests, " + string.Join(", ", results.GroupBy(r => $"{r.Door} {r.Call} {r.Status}{(r.Code is null ? "" : " " + r.Code)}")
            .Select(g => $"{g.Count()} x {g.Key} (max {g.Max(r => r.Elapsed).TotalSeconds:F2} s)"));

    private sealed record Result(string Door, string Call, int Status, string? Code, bool ProblemJson, TimeSpan Elapsed, string Body);
}
