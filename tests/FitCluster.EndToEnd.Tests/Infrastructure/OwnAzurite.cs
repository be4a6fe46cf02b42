namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>An Azurite for one test, or the test skipped with the reason there is none (no Node.js, and none installable).</summary>
public static class OwnAzurite
{
    /// <summary>
    /// Starts Azurite with its files in <paramref name="folder"/>, installing it first when needed; what was installed,
    /// and how long that and the start took, go to the test's output.
    /// </summary>
    public static async Task<AzuriteServer> StartOrSkipAsync(string folder, CancellationToken cancellationToken)
    {
        var output = TestContext.Current.TestOutputHelper;
        var (node, script, problem) = await AzuriteServer.LocateOrInstallAsync(line => output?.WriteLine(line), cancellationToken);
        Assert.SkipWhen(node is null || script is null, problem ?? string.Empty);
        var server = await AzuriteServer.StartAsync(node!, script!, folder, cancellationToken);
        output?.WriteLine($"azurite {AzuriteServer.Version} started in {server.StartTime.TotalSeconds:F1} s (blob {server.BlobPort}, table {server.TablePort})");
        return server;
    }
}
