using System.Diagnostics;
using System.Net;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// Mutual TLS on the cluster's own connections: two silos (PEM certificate and key) and a gateway (PFX) whose
/// certificates a test CA issued serve correct rankings; a gateway without TLS never serves one, and neither does a
/// silo without TLS, which cannot join.
/// </summary>
[Collection(ClusterOperationsGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ClusterTlsTests
{
    // How long a plain-TCP peer is given to (wrongly) serve: long enough for a client to connect and a silo to join
    // were TLS not enforced (both take a few seconds here), bounded so that the test ends.
    private static readonly TimeSpan s_plainPeerWindow = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Rank_WithMutualTls_Serves_AndPlainTcpPeersCannotJoinOrCall()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        using var folder = new TempDirectory();
        var artifacts = folder.Combine("artifacts");
        ClusterFixture.WriteArtifacts(artifacts);
        using var certificates = TestCertificates.Create(folder.Combine("certs"));
        var (siloCertificate, siloKey) = certificates.IssuePem("fitcluster-silo");
        var gatewayPfx = certificates.IssuePfx("fitcluster-gateway");
        var settings = new ClusterSettings
        {
            SiloArguments =
            [
                "--Cluster:Tls:Enabled=true",
                $"--Cluster:Tls:CertificatePath={siloCertificate}",
                $"--Cluster:Tls:KeyPath={siloKey}",
                $"--Cluster:Tls:CaCertificatePath={certificates.CaCertificatePath}",
            ],
            GatewayArguments =
            [
                "--Gateway:Tls:Enabled=true",
                $"--Gateway:Tls:CertificatePath={gatewayPfx}",
                $"--Gateway:Tls:CertificatePassword={TestCertificates.PfxPassword}",
                $"--Gateway:Tls:CaCertificatePath={certificates.CaCertificatePath}",
            ],
        };

        await using var redis = await OwnRedis.StartOrSkipAsync(folder.Combine("redis"), cancellationToken);
        await using var cluster = await ClusterProcesses.StartAsync(
            redis.ConnectionString, artifacts, siloCount: 2, shardCount: 4, ["fit-test-1", "two-tower-test-1"], settings, cancellationToken);
        output?.WriteLine($"TLS cluster {cluster.ClusterId} started: {cluster.StartupReport}");
        var body = new RankBody(TestArtifact.User(3), ["m1", "m2"], [.. Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey)], 10, "fit-test-1");
        var expected = ReferenceRanking.Rank(Path.Combine(artifacts, "fit"), body);
        await AssertRanksAsync(cluster.Http, body, expected, "TLS gateway", cluster, cancellationToken);

        // A gateway without TLS: the silos' gateway ports refuse its plain TCP, so it never reaches the cluster.
        var plainPort = FreePorts.Take(1)[0];
        await using (var plainGateway = cluster.LaunchGateway("plain gateway", plainPort, []))
        {
            using var plainHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{plainPort}/"), Timeout = s_requestTimeout };
            var answers = new Dictionary<string, int>(StringComparer.Ordinal);
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < s_plainPeerWindow && !plainGateway.Exited.IsCompleted)
            {
                var answer = await TryRankAsync(plainHttp, body, cancellationToken);
                Assert.True(answer != "200", $"A gateway without TLS ranked through the TLS cluster.{Environment.NewLine}{plainGateway.Tail()}");
                answers[answer] = answers.GetValueOrDefault(answer) + 1;
                await Task.Delay(s_pollInterval, cancellationToken);
            }

            output?.WriteLine($"plain gateway after {watch.Elapsed.TotalSeconds:F1} s: {plainGateway.Describe()}; answers: " +
                string.Join(", ", answers.Select(a => $"{a.Value} x {a.Key}")));
        }

        // A silo without TLS: it cannot open a connection to the TLS silos, so it never joins (never says it started).
        var plainSilo = cluster.LaunchSilo(arguments: ["--Cluster:Tls:Enabled=false"]);
        var joinWatch = Stopwatch.StartNew();
        var started = plainSilo.Process.WaitForLineAsync("Application started", s_plainPeerWindow, "plain silo join", cancellationToken);
        var outcome = await Task.WhenAny(started, plainSilo.Process.Exited);
        if (outcome == started && started.IsCompletedSuccessfully)
        {
            Assert.Fail($"A silo without TLS joined the TLS cluster.{Environment.NewLine}{plainSilo.Process.Tail()}");
        }

        output?.WriteLine($"plain silo after {joinWatch.Elapsed.TotalSeconds:F1} s: {plainSilo.Process.Describe()}, not joined");
        await plainSilo.Process.KillAsync();

        // The TLS cluster still serves.
        await AssertRanksAsync(cluster.Http, body, expected, "TLS gateway after the plain peers", cluster, cancellationToken);
    }

    private static async Task AssertRanksAsync(
        HttpClient http, RankBody body, Model.Ranking.RankOutcome expected, string phase, ClusterProcesses cluster, CancellationToken cancellationToken)
    {
        using var response = await http.RankAsync(body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Phase '{phase}': HTTP {(int)response.StatusCode}: {text}{Environment.NewLine}{cluster.Diagnostics()}");
        var reply = System.Text.Json.JsonSerializer.Deserialize<RankReply>(text, WireJson.Options)!;
        Assert.Equal(1.0, reply.Coverage);
        ReferenceRanking.AssertSame(expected, reply);
    }

    // "200", "HTTP 503", or why there was no answer (the gateway not listening, not answering in time).
    private static async Task<string> TryRankAsync(HttpClient http, RankBody body, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(s_requestTimeout);
        try
        {
            using var response = await http.RankAsync(body, attempt.Token);
            return response.StatusCode == HttpStatusCode.OK ? "200" : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException)
        {
            return "no connection";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no answer in time";
        }
    }
}
