using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Ranking;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>Killing one of three silos: once Orleans has noticed, the two left serve every request again, correctly.</summary>
[Collection(SiloFailureGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SiloFailureTests(ClusterFixture fixture)
{
    // Orleans declares a silo dead after missed probes and votes (ClusterMembershipOptions defaults), measured here at
    // 10-20 s; until then calls to grains that lived on the dead silo fail and the gateway answers 500. A client sees
    // recovery only by asking again, so the test retries (with a short pause after a failed round, not to spin), bounded
    // by a deadline. 60 s is generous on purpose: on a busy 2-core CI machine (other test assemblies training models at
    // the same time) probes and votes run late, and a tight deadline would make this test flaky.
    private static readonly TimeSpan s_recoveryDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_attemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_retryBackoff = TimeSpan.FromMilliseconds(250);
    private const int RequiredConsecutiveRounds = 3;
    private const string CatalogLogCategory = "FitCluster.Grains.ModelCatalogGrain";

    [Fact]
    public async Task Rank_OneOfThreeSilosKilled_ServesCorrectlyAgainWithinDeadline()
    {
        var cluster = fixture.Cluster;
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"cluster {cluster.ClusterId} started: {cluster.StartupReport}");
        var expected = ExpectedRankings();
        // Before the kill every shard, the user towers and the catalog are activated somewhere in the three silos.
        if (await TryRoundAsync(cluster, expected, cancellationToken) is [var before, ..])
        {
            Assert.Fail($"Phase 'ranking before the kill': {before.Kind}: {before.Detail}{Environment.NewLine}{cluster.Diagnostics()}");
        }

        // Kill the silo that hosts the catalog grain (it logs there when each silo's warm-up activates the model), so
        // that the kill surely takes away something requests need; silo 1 if no silo logged it.
        var victim = cluster.Silos.FirstOrDefault(s => s.Process.HasPrinted(CatalogLogCategory)) ?? cluster.Silos[0];
        await cluster.KillSiloAsync(victim.Number);
        output?.WriteLine($"killed {victim}{(victim.Process.HasPrinted(CatalogLogCategory) ? ", the catalog grain's host" : ", no silo logged the catalog grain")}");

        var watch = Stopwatch.StartNew();
        var rounds = 0;
        var consecutive = 0;
        var failures = new Dictionary<string, (int Count, TimeSpan Last)>(StringComparer.Ordinal);
        string? lastFailure = null;
        while (consecutive < RequiredConsecutiveRounds)
        {
            if (watch.Elapsed > s_recoveryDeadline)
            {
                Assert.Fail(
                    $"Phase 'serving after killing {victim}': no {RequiredConsecutiveRounds} consecutive good rounds within " +
                    $"{s_recoveryDeadline.TotalSeconds:F0} s ({rounds} rounds; failures: {Describe(failures)}). Last failure: {lastFailure}" +
                    $"{Environment.NewLine}{cluster.Diagnostics()}");
            }

            rounds++;
            var roundFailures = await TryRoundAsync(cluster, expected, cancellationToken);
            foreach (var (kind, detail) in roundFailures)
            {
                failures[kind] = (failures.GetValueOrDefault(kind).Count + 1, watch.Elapsed);
                lastFailure = $"{kind}: {detail} (at {watch.Elapsed.TotalSeconds:F1} s)";
            }

            if (roundFailures.Count == 0)
            {
                consecutive++;
            }
            else
            {
                consecutive = 0;
                await Task.Delay(s_retryBackoff, cancellationToken);
            }
        }

        // Until Orleans declares the silo dead, calls to grains that lived on it fail; the gateway then answers 500.
        output?.WriteLine($"served correctly again after {watch.Elapsed.TotalSeconds:F1} s, {rounds} rounds; failures: {Describe(failures)}");
        output?.WriteLine($"last failure: {lastFailure ?? "none"}");
    }

    private (RankBody Body, RankOutcome Outcome)[] ExpectedRankings()
    {
        string[] candidates = [.. Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey)];
        return [.. new[] { "fit-test-1", "two-tower-test-1" }.Select(version =>
        {
            var body = new RankBody(TestArtifact.User(2), ["m5", "m6", "m7"], candidates, 10, version);
            return (body, ReferenceRanking.Rank(fixture.DirectoryOf(version), body));
        })];
    }

    private static string Describe(Dictionary<string, (int Count, TimeSpan Last)> failures) =>
        failures.Count == 0 ? "none" : string.Join(", ", failures.Select(f => $"{f.Value.Count} x {f.Key} (last at {f.Value.Last.TotalSeconds:F1} s)"));

    // One round: the catalog, then each model version over every shard; each call gets its own deadline. Returns the
    // transient failures (an error status, no answer in time) to retry; a wrong ranking fails the test at once.
    private static async Task<List<(string Kind, string Detail)>> TryRoundAsync(
        ClusterProcesses cluster, (RankBody Body, RankOutcome Outcome)[] expected, CancellationToken cancellationToken)
    {
        var failures = new List<(string Kind, string Detail)>();
        if (await TryCallAsync("GET /v1/models", token => cluster.Http.GetAsync(new Uri("v1/models", UriKind.Relative), token), null, cancellationToken) is { } models)
        {
            failures.Add(models);
        }

        foreach (var (body, outcome) in expected)
        {
            if (await TryCallAsync($"POST /v1/rank ({body.ModelVersion})", token => cluster.Http.RankAsync(body, token), Check, cancellationToken) is { } rank)
            {
                failures.Add(rank);
            }

            void Check(string text)
            {
                var reply = JsonSerializer.Deserialize<RankReply>(text, WireJson.Options)!;
                if (ReferenceRanking.Difference(outcome, reply) is { } difference)
                {
                    Assert.Fail($"A silo failure must not change results: {body.ModelVersion} answered 200 with {difference}.");
                }
            }
        }

        return failures;
    }

    private static async Task<(string Kind, string Detail)?> TryCallAsync(
        string name, Func<CancellationToken, Task<HttpResponseMessage>> call, Action<string>? check, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(s_attemptTimeout);
        try
        {
            using var response = await call(attempt.Token);
            var text = await response.Content.ReadAsStringAsync(attempt.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return ($"{name}: HTTP {(int)response.StatusCode}", text);
            }

            check?.Invoke(text);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ($"{name}: no answer", $"within {s_attemptTimeout.TotalSeconds:F0} s");
        }
        catch (HttpRequestException e)
        {
            return ($"{name}: request failed", e.Message);
        }
    }
}
