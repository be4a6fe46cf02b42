using Azure.Storage.Blobs;
using FitCluster.Client.Gateway;
using FitCluster.Grains;

namespace FitCluster.Silo;

/// <summary>
/// <c>Cluster:Clustering=azure</c>: membership in an Azure Storage table (<c>OrleansSiloInstances</c>, one partition per
/// cluster id) and grain state — the active model version — in the same account's tables (<c>OrleansGrainState</c>) or
/// blobs (container <c>grainstate</c>), under the ranking service's storage name.
/// </summary>
public static class AzureStorageHosting
{
    /// <summary>Adds Azure Storage clustering and grain storage from <paramref name="hosting"/> (validated before the silo starts).</summary>
    public static ISiloBuilder UseAzureStorage(this ISiloBuilder silo, ClusterHostingOptions hosting)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(hosting);
        // The clients are made when Orleans first reads its options: after the options validator has stopped a silo
        // whose connection string is missing or malformed (exit code 2, every problem listed).
        var connectionString = hosting.AzureStorageConnectionString!;
        silo.UseAzureStorageClustering(o => o.TableServiceClient = AzureStorageConnection.Client(connectionString));
        if (string.Equals(hosting.AzureGrainStorage, "blob", StringComparison.OrdinalIgnoreCase))
        {
            silo.AddAzureBlobGrainStorage(RankingServiceCollectionExtensions.StorageName, o => o.BlobServiceClient = new BlobServiceClient(connectionString));
        }
        else
        {
            silo.AddAzureTableGrainStorage(RankingServiceCollectionExtensions.StorageName, o => o.TableServiceClient = AzureStorageConnection.Client(connectionString));
        }

        return silo;
    }
}
