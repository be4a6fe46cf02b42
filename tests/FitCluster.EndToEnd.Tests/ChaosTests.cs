using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// Operations under steady load: Redis, three silo processes and the gateway on loopback take ~50 requests/s through the
/// gateway for ~42 s while one silo is killed with SIGKILL and restarted, a new version is rolled out, a third version is
/// copied into the artifact root file by file, and the rollout is rolled back. Every answer is checked against the
/// in-process ranker of the version it names: no mixed or wrong answer, no silent partial answer, every error a clear
/// 503/504 problem within RequestTimeout + 1 s, and errors only in the 15 s after the kill and after the restart.
/// </summary>
[Collection(ChaosGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ChaosTests
{
    private const int Rate = 50;
    private const int K = 5;
    private const string V1 = "fit-test-1";
    private const string V2 = "fit-test-2";
    private const string V3 = "fit-test-3";
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_bound = s_requestTimeout + TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_recovery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_loadDuration = TimeSpan.FromSeconds(44);

    // The script, as offsets from the start of the load.
    private static readonly TimeSpan s_killAt = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_restartAt = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan s_rolloutAt = TimeSpan.FromSeconds(24);
    private static readonly TimeSpan s_copyAt = TimeSpan.FromSeconds(28);
    private static readonly TimeSpan s_rollbackAt = TimeSpan.FromSeconds(36);

    [Fact]
    public async Task SteadyLoad_KillRestartRolloutCopyInRollback_EveryAnswerRightOrAClearBoundedError()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var (redisServer, problem) = await RedisServer.LocateOrInstallAsync(cancellationToken);
        Assert.SkipWhen(redisServer is null, problem ?? "no redis-server");

        using var folder = new TempDirectory();
        var root = folder.Combine("artifacts");
        TestArtifact.WriteFit(Path.Combine(root, "v1"), seed: 11, version: V1, createdUtc: "2026-12-01T00:00:00Z");
        TestArtifact.WriteFit(Path.Combine(root, "v2"), seed: 21, version: V2, createdUtc: "2026-12-02T00:00:00Z");
        var staged = folder.Combine("staged-v3");
        TestArtifact.WriteFit(staged, seed: 31, version: V3, createdUtc: "2026-12-03T00:00:00Z");
        var bodies = Bodies();
        var expected = new Dictionary<(string Version, int Body), RankOutcome>();
        foreach (var (version, directory) in new[] { (V1, "v1"), (V2, "v2") })
        {
            using var ranker = Ranker.Load(Path.Combine(root, directory));
            for (var b = 0; b < bodies.Length; b++)
            {
                expected[(version, b)] = ranker.Rank(new RankQuery(bodies[b].User, bodies[b].Behaviours, bodies[b].Candidates, K));
            }
        }

        await using var redis = await RedisServer.StartAsync(redisServer!, Directory.CreateDirectory(folder.Combine("redis")).FullName, cancellationToken);
        await using var cluster = await ClusterProcesses.StartAsync(redis.ConnectionString, root, siloCount: 3, shardCount: 6, [V1, V2], cancellationToken: cancellationToken);
        output?.WriteLine($"cluster {cluster.ClusterId} started: {cluster.StartupReport}");
        using var http = new HttpClient { BaseAddress = cluster.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

        var results = new ConcurrentBag<Outcome>();
        var events = new ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var load = RunLoadAsync(http, bodies, expected, results, clock, cancellationToken);
        var script = RunScriptAsync(cluster, http, root, staged, events, clock, cancellationToken);
        await Task.WhenAll(load, script);
        var outcomes = results.OrderBy(r => r.Sent).ToList();

        var kill = events["kill"];
        var restart = events["restart"];
        bool InRecoveryWindow(TimeSpan t) => (t >= kill && t <= kill + s_recovery) || (t >= restart && t <= restart + s_recovery);
        var errors = outcomes.Where(o => o.Status != 200).ToList();
        var wrong = outcomes.Where(o => o.Problem is not null).ToList();
        var late = outcomes.Where(o => o.Elapsed > s_bound).ToList();
        var outsideWindows = errors.Where(o => !InRecoveryWindow(o.Sent)).ToList();
        var lastError = errors.Count > 0 ? errors.Max(o => o.Sent + o.Elapsed) : TimeSpan.Zero;
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outcomes.Count} requests in {s_loadDuration.TotalSeconds:F0} s: {outcomes.Count(o => o.Status == 200)} × 200 " +
            $"({outcomes.Count(o => o.Version == V1)} {V1}, {outcomes.Count(o => o.Version == V2)} {V2}), " +
            $"{string.Join(", ", errors.GroupBy(o => $"{o.Status} {o.Code}").Select(g => $"{g.Count()} × {g.Key}"))}; " +
            $"slowest {outcomes.Max(o => o.Elapsed).TotalMilliseconds:F0} ms; events {string.Join(", ", events.OrderBy(e => e.Value).Select(e => $"{e.Key} at {e.Value.TotalSeconds:F1} s"))}; " +
            $"last error ended at {lastError.TotalSeconds:F1} s"));

        Assert.True(outcomes.Count >= Rate * s_loadDuration.TotalSeconds * 0.8, $"Only {outcomes.Count} requests were sent.");
        Assert.True(wrong.Count == 0, $"{wrong.Count} answers were wrong, mixed, partial or unclear; first: {wrong.FirstOrDefault()?.Describe()}{Environment.NewLine}{cluster.Diagnostics()}");
        Assert.True(late.Count == 0, $"{late.Count} requests took longer than RequestTimeout + 1 s = {s_bound.TotalSeconds:F0} s; first: {late.FirstOrDefault()?.Describe()}");
        Assert.True(outsideWindows.Count == 0,
            $"{outsideWindows.Count} errors outside the {s_recovery.TotalSeconds:F0} s after the kill ({kill.TotalSeconds:F1} s) and the restart " +
            $"({restart.TotalSeconds:F1} s); first: {outsideWindows.FirstOrDefault()?.Describe()}{Environment.NewLine}{cluster.Diagnostics()}");
        Assert.Contains(outcomes, o => o.Version == V2 && o.Sent > events["rollout"]);
        Assert.Contains(outcomes, o => o.Version == V1 && o.Sent > events["rollback"] + TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(outcomes, o => o.Version == V2 && o.Sent > events["rollback"] + TimeSpan.FromSeconds(2));
    }

    // Open loop at Rate requests per second, each request measured from its scheduled send, for s_loadDuration.
    private static async Task RunLoadAsync(
        HttpClient http, RankBody[] bodies, Dictionary<(string, int), RankOutcome> expected, ConcurrentBag<Outcome> results,
        Stopwatch clock, CancellationToken cancellationToken)
    {
        var inFlight = new List<Task>();
        var interval = TimeSpan.FromSeconds(1.0 / Rate);
        for (var n = 0; ; n++)
        {
            var due = interval * n;
            if (due >= s_loadDuration)
            {
                break;
            }

            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var index = n % bodies.Length;
            inFlight.Add(SendAsync(http, bodies[index], index, expected, results, clock, cancellationToken));
        }

        await Task.WhenAll(inFlight);
    }

    private static async Task SendAsync(
        HttpClient http, RankBody body, int index, Dictionary<(string, int), RankOutcome> expected, ConcurrentBag<Outcome> results,
        Stopwatch clock, CancellationToken cancellationToken)
    {
        var sent = clock.Elapsed;
        try
        {
            using var response = await http.RankAsync(body, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var elapsed = clock.Elapsed - sent;
            var status = (int)response.StatusCode;
            if (status == 200)
            {
                var reply = JsonSerializer.Deserialize<RankReply>(text, WireJson.Options)!;
                string? problem = null;
                if (!expected.TryGetValue((reply.ModelVersion, index), out var reference))
                {
                    problem = $"answered by version '{reply.ModelVersion}', which was never active";
                }
                else if (reply.Coverage != 1 || reply.Items.Length != K)
                {
                    problem = $"silent partial answer: coverage {reply.Coverage}, {reply.Items.Length} of {K} items";
                }
                else if (ReferenceRanking.Difference(reference, reply) is { } difference)
                {
                    problem = $"not {reply.ModelVersion}'s answer (mixed or wrong): {difference}";
                }

                results.Add(new Outcome(sent, elapsed, status, reply.ModelVersion, null, problem));
                return;
            }

            var error = TryProblem(text);
            var unclear = status is not (503 or 504) || string.IsNullOrEmpty(error?.Code) || string.IsNullOrEmpty(error?.Detail)
                ? $"unclear error: HTTP {status} {text}"
                : null;
            results.Add(new Outcome(sent, elapsed, status, null, error?.Code, unclear));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            results.Add(new Outcome(sent, clock.Elapsed - sent, 0, null, null, $"no HTTP answer: {e.GetType().Name}: {e.Message}"));
        }
    }

    private static async Task RunScriptAsync(
        ClusterProcesses cluster, HttpClient http, string root, string staged, ConcurrentDictionary<string, TimeSpan> events,
        Stopwatch clock, CancellationToken cancellationToken)
    {
        async Task At(TimeSpan when)
        {
            var wait = when - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
        }

        await At(s_killAt);
        events["kill"] = clock.Elapsed;
        await cluster.KillSiloAsync(2);

        await At(s_restartAt);
        events["restart"] = clock.Elapsed;
        await cluster.RestartSiloAsync(2, cancellationToken);

        await At(s_rolloutAt);
        events["rollout"] = clock.Elapsed;
        await ActivateAsync(http, V2, cancellationToken);

        // A version copied in file by file, its seal last, as an operator's cp would: never listed before it is whole, never active.
        await At(s_copyAt);
        events["copy"] = clock.Elapsed;
        var target = Directory.CreateDirectory(Path.Combine(root, "v3")).FullName;
        var files = Directory.GetFiles(staged).OrderBy(f => Path.GetFileName(f) == ArtifactSeal.FileName).ThenBy(f => f, StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            var catalog = await ModelsAsync(http, cancellationToken);
            var sealedNow = Path.GetFileName(file) == ArtifactSeal.FileName;
            Assert.True(sealedNow || catalog.Versions.All(v => v.ModelVersion != V3), $"{V3} was listed before its seal arrived (after {Path.GetFileName(file)}).");
            Assert.Equal(V2, catalog.ActiveVersion);
            await Task.Delay(300, cancellationToken);
        }

        await Task.Delay(ModelStoreScanPause, cancellationToken);
        var whole = await ModelsAsync(http, cancellationToken);
        Assert.Contains(whole.Versions, v => v.ModelVersion == V3);
        Assert.Equal(V2, whole.ActiveVersion);

        await At(s_rollbackAt);
        events["rollback"] = clock.Elapsed;
        await ActivateAsync(http, V1, cancellationToken);
    }

    private static readonly TimeSpan ModelStoreScanPause = TimeSpan.FromSeconds(1.5);

    private static async Task ActivateAsync(HttpClient http, string version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"v1/models/{version}/activate", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
        using var response = await http.SendAsync(request, cancellationToken);
        var catalog = await response.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken);
        Assert.Equal(version, catalog.ActiveVersion);
    }

    private static async Task<ModelsReply> ModelsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("v1/models", UriKind.Relative), cancellationToken);
        return await response.ReadAsync<ModelsReply>(HttpStatusCode.OK, cancellationToken);
    }

    private static ProblemReply? TryProblem(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<ProblemReply>(text, WireJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Eight requests over the three test users, each with 20 of the 40 items as candidates and a short history.
    private static RankBody[] Bodies() =>
    [
        .. Enumerable.Range(0, 8).Select(b =>
        {
            var user = TestArtifact.User((b % 3) + 1, b % 2 == 0 ? "F" : "M");
            string[] behaviours = [TestArtifact.ItemKey(b), TestArtifact.ItemKey(b + 11)];
            string[] candidates = [.. Enumerable.Range(0, 20).Select(c => TestArtifact.ItemKey(((b * 7) + (c * 2)) % TestArtifact.ItemCount))];
            return new RankBody(user, behaviours, candidates, K);
        }),
    ];

    private sealed record Outcome(TimeSpan Sent, TimeSpan Elapsed, int Status, string? Version, string? Code, string? Problem)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"sent at {Sent.TotalSeconds:F2} s, {Elapsed.TotalMilliseconds:F0} ms, HTTP {Status} {Version ?? Code}: {Problem ?? "ok"}");
    }
}
