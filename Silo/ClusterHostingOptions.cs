using FitCluster.Client.Security;

namespace FitCluster.Silo;

/// <summary>How the silo joins its cluster (configuration section <c>Cluster</c>).</summary>
public sealed class ClusterHostingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Cluster";

    /// <summary>
    /// <c>localhost</c> (default: one machine, development and tests), <c>redis</c> or <c>azure</c> (multi-node
    /// membership and grain storage in Redis, or in Azure Storage tables and blobs).
    /// </summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary>StackExchange.Redis connection string when <see cref="Clustering"/> is <c>redis</c>, e.g. <c>127.0.0.1:6379</c>.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// Azure Storage connection string when <see cref="Clustering"/> is <c>azure</c> (required then): the membership table
    /// and the grain storage (<see cref="AzureGrainStorage"/>) use this one account. Azurite's
    /// <c>UseDevelopmentStorage=true</c>, or an explicit <c>DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...</c>.
    /// </summary>
    public string? AzureStorageConnectionString { get; set; }

    /// <summary>
    /// With <c>azure</c> clustering, where grain state (the active model version) is kept: <c>table</c> (default: the
    /// <c>OrleansGrainState</c> table) or <c>blob</c> (one JSON blob per grain in the <c>grainstate</c> container).
    /// </summary>
    public string AzureGrainStorage { get; set; } = "table";

    /// <summary>Orleans cluster id; silos and clients with the same id form one cluster. Default <c>fitcluster</c>.</summary>
    public string ClusterId { get; set; } = "fitcluster";

    /// <summary>Orleans service id (stable across deployments: keys grain storage). Default <c>fitcluster</c>.</summary>
    public string ServiceId { get; set; } = "fitcluster";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Localhost clustering: the silo port of the primary silo (the first one started). Default 11111.</summary>
    public int PrimarySiloPort { get; set; } = 11111;

    /// <summary>
    /// Redis or Azure Storage clustering: the address other silos and clients reach this one at (written to the membership table); null
    /// advertises the loopback address (one machine).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// The address the silo-to-silo and gateway listeners bind. Null (the default) binds the advertised address only
    /// (loopback with localhost clustering), never every interface implicitly; set <c>0.0.0.0</c> (or <c>::</c>)
    /// explicitly where the advertised address is not on a local interface or every interface is wanted, such as a
    /// container advertising its pod IP behind a service mesh.
    /// </summary>
    public string? ListenAddress { get; set; }

    /// <summary>
    /// Mutual TLS on the silo-to-silo and gateway ports (<c>Cluster:Tls:*</c>). Off by default; when on, every silo and
    /// client of the cluster must present a certificate issued by <c>CaCertificatePath</c>, and plain-TCP peers are refused.
    /// </summary>
    public TlsFileOptions Tls { get; set; } = new();

    /// <summary>
    /// Whether this silo serves the gateway's HTTP API itself (<c>POST /v1/rank</c>, <c>GET /v1/models</c>, OpenAPI) on
    /// its own URLs, beside the health checks: requests skip the client-to-silo hop. The standalone gateway
    /// (<c>./fit gateway</c>) stays available for front ends that scale apart from the silos. Default true.
    /// </summary>
    public bool HttpApi { get; set; } = true;

    /// <summary>
    /// Localhost clustering (the embedded default, no external store): the folder where grain state — the active model
    /// version — is kept in files, so that it survives kill -9 and restarts. Empty (default): <c>.fitcluster-state</c>
    /// inside <c>Ranking:ArtifactRoot</c>. A folder that cannot be written makes the silo keep state in memory and say so at start.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>
    /// The Orleans Dashboard (<c>Cluster:Dashboard:*</c>) on this silo's web host: off by default; when on, it answers
    /// loopback callers only unless <see cref="DashboardHostingOptions.AllowRemote"/> is set.
    /// </summary>
    public DashboardHostingOptions Dashboard { get; set; } = new();
}
