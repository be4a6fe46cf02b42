using Azure.Data.Tables;

namespace FitCluster.Client.Gateway;

/// <summary>
/// The Azure Storage connection string of <c>azure</c> clustering (silo and gateway alike): required, and checked for
/// its form at start, so that a typo stops the process with the options' other problems instead of failing later inside Orleans.
/// </summary>
public static class AzureStorageConnection
{
    /// <summary>The clustering value that selects Azure Storage.</summary>
    public const string ClusteringName = "azure";

    /// <summary>What is wrong with <paramref name="connectionString"/> (empty when nothing); <paramref name="label"/> names the setting.</summary>
    public static IReadOnlyList<string> Problems(string label, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return [$"{label} is required with azure clustering."];
        }

        try
        {
            // Parses only: no request is made.
            _ = Client(connectionString);
            return [];
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The message never repeats the string: it may hold an account key.
            return [$"{label} is not an Azure Storage connection string ({e.GetType().Name})."];
        }
    }

    /// <summary>A table service client of <paramref name="connectionString"/> (the membership table's account).</summary>
    public static TableServiceClient Client(string connectionString) => new(connectionString);
}
