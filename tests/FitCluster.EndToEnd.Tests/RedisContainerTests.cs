using System.Net;
using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Tests;
using Testcontainers.Redis;

namespace FitCluster.EndToEnd.Tests;

/// <summary>
/// The smoke rank of silo and gateway processes against Redis in a container (the Testcontainers Redis module, with
/// the project's Redis image: no registry is reachable from CI). Skipped only where no container engine can be had;
/// <see cref="ClusterRankTests"/>, with Debian's redis-server as a child process, runs the same path everywhere.
/// </summary>
[Collection(RedisContainerGroup.Name)]
[Trait("Category", "Containers")]
public sealed class RedisContainerTests
{
    [Fact]
    public async Task Rank_RedisInContainer_EqualsInProcessRanker()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (images, problem) = await ContainerImages.LocateAsync(cancellationToken);
        Assert.SkipWhen(images is null, $"{problem} ClusterRankTests runs the same deployment against Debian's redis-server without one.");

        await using var redis = new RedisBuilder(images!.Redis).WithLabel(ContainerImages.RunLabelName, images.RunLabel).Build();
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
