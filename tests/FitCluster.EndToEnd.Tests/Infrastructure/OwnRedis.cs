namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>A <c>redis-server</c> for one test, or the test skipped with the reason there is none.</summary>
public static class OwnRedis
{
    /// <summary>Starts <c>redis-server</c> with its files in <paramref name="folder"/>; skips the calling test when it is neither installed nor installable.</summary>
    public static async Task<RedisServer> StartOrSkipAsync(string folder, CancellationToken cancellationToken)
    {
        var (executable, problem) = await RedisServer.LocateOrInstallAsync(cancellationToken);
        Assert.SkipWhen(executable is null, problem ?? string.Empty);
        return await RedisServer.StartAsync(executable!, Directory.CreateDirectory(folder).FullName, cancellationToken);
    }
}
