using System.Net;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Tests;
using Testcontainers.Redis;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// The smoke rank against Redis in a container (Testcontainers), for machines with Docker. Machines without it (CI)
/// skip it: <see cref="ClusterRankTests"/>, with Debian's redis-server as a child process, runs the same path everywhere.
/// </summary>
[Collection(RedisContainerGroup.Name)]
[Trait("Category", "Docker")]
public sealed class RedisContainerTests
{
    [Fact]
    public async Task Rank_RedisInContainer_EqualsInProcessRanker()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var problem = await DockerProbe.ProblemAsync(cancellationToken);
        Assert.SkipWhen(problem is not null,
            $"Needs a Docker engine for the Redis container, and {problem}. Start Docker (or set DOCKER_HOST) to run it; " +
            "ClusterRankTests runs the same deployment against Debian's redis-server without Docker.");

        await using var redis = new RedisBuilder("redis:7.0").Build();
        await redis.StartAsync(cancellationToken);
        using var folder = new TempDirectory();
        ClusterFixture.WriteArtifacts(folder.Path);
        await using var cluster = await ClusterProcesses.StartAsync(
            redis.GetConnectionString(), folder.Path, ClusterFixture.SiloCount, ClusterFixture.ShardCount, ["fit-test-1", "two-tower-test-1"], cancellationToken: cancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"cluster {cluster.ClusterId} on {redis.GetConnectionString()} started: {cluster.StartupReport}");

        foreach (var (version, directory) in new[] { ("fit-test-1", "fit"), ("two-tower-test-1", "two-tower") })
        {
            var body = new RankBody(TestArtifact.User(1), ["m4", "m8"], [.. Enumerable.Range(0, TestArtifact.ItemCount).Select(TestArtifact.ItemKey)], 10, version);
            using var response = await cluster.Http.RankAsync(body, cancellationToken);
            var reply = await response.ReadAsync<RankReply>(HttpStatusCode.OK, cancellationToken);
            ReferenceRanking.AssertSame(ReferenceRanking.Rank(folder.Combine(directory), body), reply);
        }
    }
}
