using System.Net;
using FitCluster.Client.Gateway;
using FitCluster.Silo;

namespace FitCluster.Client.Tests;

/// <summary>The azure clustering and dashboard options: every problem listed at once, connection strings never echoed.</summary>
public sealed class AzureAndDashboardOptionsTests
{
    private const string Azurite = "UseDevelopmentStorage=true";

    [Fact]
    public void Silo_AzureWithoutConnectionString_ListsItWithTheOtherProblems()
    {
        var options = new ClusterHostingOptions
        {
            Clustering = "azure",
            AzureGrainStorage = "queue",
            Dashboard = new DashboardHostingOptions { Path = "/", CounterUpdateIntervalMs = 10 },
        };

        var result = new ClusterHostingOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
        [
            "Cluster:AzureStorageConnectionString is required with azure clustering.",
            "Cluster:AzureGrainStorage must be 'table' or 'blob', got 'queue'.",
            "Cluster:Dashboard:Path must be a path below the root such as '/dashboard', got '/'.",
            "Cluster:Dashboard:CounterUpdateIntervalMs must be at least 100, got 10.",
        ], result.Failures);
    }

    [Theory]
    [InlineData(Azurite)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;")]
    public void Silo_AzureWithConnectionString_IsValid(string connectionString)
    {
        var options = new ClusterHostingOptions { Clustering = "azure", AzureStorageConnectionString = connectionString, AzureGrainStorage = "blob" };

        Assert.True(new ClusterHostingOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Gateway_AzureMalformedConnectionString_IsNamedWithoutItsValue()
    {
        var options = new GatewayOptions { Clustering = "azure", AzureStorageConnectionString = "AccountName=x;AccountKey=secret-key-value;TableEndpoint=" };

        var result = new GatewayOptionsValidator().Validate(null, options);

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Gateway:AzureStorageConnectionString is not an Azure Storage connection string", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key-value", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_UnknownClustering_NamesTheThreeChoices()
    {
        var result = new GatewayOptionsValidator().Validate(null, new GatewayOptions { Clustering = "consul" });

        Assert.Equal(["Gateway:Clustering must be 'localhost', 'redis' or 'azure', got 'consul'."], result.Failures);
    }

    [Theory]
    [InlineData("127.0.0.1", false, DashboardAccess.Serve)]
    [InlineData("127.0.0.2", false, DashboardAccess.Serve)]
    [InlineData("::1", false, DashboardAccess.Serve)]
    [InlineData("::ffff:127.0.0.1", false, DashboardAccess.Serve)]
    [InlineData("10.1.2.3", false, DashboardAccess.NotFound)]
    [InlineData("::ffff:10.1.2.3", false, DashboardAccess.NotFound)]
    [InlineData("fe80::1", false, DashboardAccess.NotFound)]
    [InlineData("10.1.2.3", true, DashboardAccess.RequireAdmin)]
    [InlineData("127.0.0.1", true, DashboardAccess.Serve)]
    [InlineData(null, false, DashboardAccess.Serve)]
    public void Dashboard_ServesLoopbackOnly_UnlessRemoteIsAllowedWithTheAdminToken(string? remote, bool allowRemote, DashboardAccess expected) =>
        Assert.Equal(expected, DashboardHosting.Decide(remote is null ? null : IPAddress.Parse(remote), allowRemote));
}
