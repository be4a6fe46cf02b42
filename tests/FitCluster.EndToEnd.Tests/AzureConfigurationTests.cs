using FitCluster.EndToEnd.Tests.Infrastructure;
using FitCluster.Model.Tests;

namespace FitCluster.EndToEnd.Tests;

/// <summary>Azure clustering without a usable connection string: the silo and the gateway refuse to start (exit code 2), naming it.</summary>
[Collection(ClusterOperationsGroup.Name)]
[Trait("Category", "EndToEnd")]
public sealed class AzureConfigurationTests
{
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Silo_AzureWithoutConnectionString_ExitsWithCode2ListingEveryProblem()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory();
        var artifacts = folder.Combine("artifacts");
        ClusterFixture.WriteArtifacts(artifacts);
        await using var silo = ChildProcess.Start("silo", RepositoryLayout.DotnetHost,
        [
            RepositoryLayout.Find().SiloDll,
            "--Urls=http://127.0.0.1:0",
            $"--Ranking:ArtifactRoot={artifacts}",
            "--Cluster:Clustering=azure",
            "--Cluster:AzureGrainStorage=queue",
        ]);

        var code = await silo.Exited.WaitAsync(s_exitTimeout, cancellationToken);

        var tail = silo.Tail();
        Assert.True(code == 2, $"exit code {code}{Environment.NewLine}{tail}");
        Assert.Contains("Cluster:AzureStorageConnectionString is required with azure clustering.", tail, StringComparison.Ordinal);
        Assert.Contains("Cluster:AzureGrainStorage must be 'table' or 'blob', got 'queue'.", tail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_AzureWithMalformedConnectionString_ExitsWithCode2WithoutEchoingIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string Malformed = "AccountName=x;AccountKey=not-base64-secret;BlobEndpoint=";
        await using var gateway = ChildProcess.Start("gateway", RepositoryLayout.DotnetHost,
        [
            RepositoryLayout.Find().ClientDll,
            "gateway",
            "--urls", "http://127.0.0.1:0",
            "--Gateway:Clustering=azure",
            $"--Gateway:AzureStorageConnectionString={Malformed}",
        ]);

        var code = await gateway.Exited.WaitAsync(s_exitTimeout, cancellationToken);

        var tail = gateway.Tail();
        Assert.True(code == 2, $"exit code {code}{Environment.NewLine}{tail}");
        Assert.Contains("Gateway:AzureStorageConnectionString is not an Azure Storage connection string", tail, StringComparison.Ordinal);
        Assert.DoesNotContain("not-base64-secret", tail, StringComparison.Ordinal);
    }
}
