using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Ranking;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// The deployment as images: Redis, three silo containers and the gateway container (Testcontainers over podman, the
/// project's own images from <c>./fit image</c>), ranking over HTTP through the gateway; one silo container stopped,
/// the cluster serves correctly again within a bound. Skipped only where no container engine can be had.
/// </summary>
[Collection(RedisContainerGroup.Name)]
[Trait("Category", "Containers")]
public sealed class ContainerClusterTests
{
    private const int SiloCount = 3;
    private const int ShardCount = 6;

    // Testcontainers stops the container without a grace period (podman answers exit code 137: SIGKILL), so the silo
    // cannot leave gracefully: until Orleans declares it dead after missed probes (measured 12-13 s) calls to grains
    // that lived there fail. 60 s leaves room for a busy 2-core CI machine.
    private static readonly TimeSpan s_recoveryDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_attemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_retryBackoff = TimeSpan.FromMilliseconds(250);
    private const int RequiredConsecutiveRounds = 3;

    [Fact]
    public async Task Rank_ThreeSiloContainers_OneStopped_ServesCorrectlyAgainWithinDeadline()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var (images, problem) = await ContainerImages.LocateAsync(cancellationToken);
        Assert.SkipWhen(images is null, problem ?? string.Empty);

        using var folder = new TempDirectory();
        var root = folder.Combine("models");
        TestArtifact.WriteFit(Path.Combine(root, "fit"), seed: 11, version: "fit-test-1");
        TestArtifact.WriteTwoTower(Path.Combine(root, "two-tower"), seed: 12, version: "two-tower-test-1");
        string[] candidates = [.. Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey)];
        (RankBody Body, RankOutcome Outcome)[] expected = [.. new[] { ("fit-test-1", "fit"), ("two-tower-test-1", "two-tower") }.Select(v =>
        {
            var body = new RankBody(TestArtifact.User(3), ["m2", "m9"], candidates, 10, v.Item1);
            return (body, ReferenceRanking.Rank(Path.Combine(root, v.Item2), body));
        })];

        var watch = Stopwatch.StartNew();
        await using var cluster = await ContainerCluster.StartAsync(images!, root, SiloCount, ShardCount, cancellationToken);
        output?.WriteLine($"cluster {cluster.ClusterId}: Redis, {SiloCount} silos and the gateway started in {watch.Elapsed.TotalSeconds:F1} s");

        foreach (var (body, outcome) in expected)
        {
            using var response = await cluster.Http.RankAsync(body, cancellationToken);
            ReferenceRanking.AssertSame(outcome, await response.ReadAsync<RankReply>(HttpStatusCode.OK, cancellationToken));
        }

        // Each silo container serves the HTTP API itself too (Cluster:HttpApi), bound to every interface of its container.
        using (var silo = cluster.SiloHttp(SiloCount))
        {
            using var response = await silo.RankAsync(expected[0].Body, cancellationToken);
            ReferenceRanking.AssertSame(expected[0].Outcome, await response.ReadAsync<RankReply>(HttpStatusCode.OK, cancellationToken));
        }

        watch.Restart();
        await cluster.StopSiloAsync(1, cancellationToken);
        output?.WriteLine($"silo 1's container stopped in {watch.Elapsed.TotalSeconds:F1} s, exit code {await cluster.Silos[0].GetExitCodeAsync(cancellationToken)}");

        watch.Restart();
        int rounds = 0, consecutive = 0;
        string? lastFailure = null;
        while (consecutive < RequiredConsecutiveRounds)
        {
            if (watch.Elapsed > s_recoveryDeadline)
            {
                Assert.Fail($"Phase 'serving after stopping silo 1': no {RequiredConsecutiveRounds} consecutive good rounds within " +
                    $"{s_recoveryDeadline.TotalSeconds:F0} s ({rounds} rounds). Last failure: {lastFailure}{Environment.NewLine}{await cluster.DiagnosticsAsync()}");
            }

            rounds++;
            var failure = await TryRoundAsync(cluster.Http, expected, cancellationToken);
            if (failure is null)
            {
                consecutive++;
            }
            else
            {
                consecutive = 0;
                lastFailure = $"{failure} (at {watch.Elapsed.TotalSeconds:F1} s)";
                await Task.Delay(s_retryBackoff, cancellationToken);
            }
        }

        output?.WriteLine($"served correctly again after {watch.Elapsed.TotalSeconds:F1} s, {rounds} rounds; last failure: {lastFailure ?? "none"}");
    }

    // One round over both model versions, each call with its own deadline: the first transient failure (an error status,
    // no answer in time), or null; a wrong ranking fails the test at once.
    private static async Task<string?> TryRoundAsync(HttpClient http, (RankBody Body, RankOutcome Outcome)[] expected, CancellationToken cancellationToken)
    {
        foreach (var (body, outcome) in expected)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(s_attemptTimeout);
            try
            {
                using var response = await http.RankAsync(body, attempt.Token);
                var text = await response.Content.ReadAsStringAsync(attempt.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return $"POST /v1/rank ({body.ModelVersion}): HTTP {(int)response.StatusCode}: {text}";
                }

                var reply = JsonSerializer.Deserialize<RankReply>(text, WireJson.Options)!;
                if (ReferenceRanking.Difference(outcome, reply) is { } difference)
                {
                    Assert.Fail($"A stopped silo must not change results: {body.ModelVersion} answered 200 with {difference}.");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return $"POST /v1/rank ({body.ModelVersion}): no answer within {s_attemptTimeout.TotalSeconds:F0} s";
            }
            catch (HttpRequestException e)
            {
                return $"POST /v1/rank ({body.ModelVersion}): {e.Message}";
            }
        }

        return null;
    }
}
