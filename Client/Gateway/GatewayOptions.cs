using FitCluster.Client.Security;
using FitCluster.Model.Ranking;

namespace FitCluster.Client.Gateway;

/// <summary>Options of the HTTP gateway (configuration section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Gateway";

    /// <summary>Largest candidate list accepted; larger requests get 400. Default 10,000.</summary>
    public int MaxCandidates { get; set; } = RankLimits.DefaultMaxCandidates;

    /// <summary>Largest k accepted. Default 1,000.</summary>
    public int MaxK { get; set; } = RankLimits.DefaultMaxK;

    /// <summary>Longest behaviour list accepted, and the largest user events batch (<c>POST /v1/users/{id}/events</c>). Default 1,000.</summary>
    public int MaxBehaviours { get; set; } = RankLimits.DefaultMaxBehaviours;

    /// <summary>
    /// Deadline of one request at this door: a grain call still unanswered after it (plus a small margin, so that the
    /// cluster's own deadline answers first) is abandoned with 504 <c>timeout</c>, even when the silo it went to has died.
    /// Default 2 s. A silo's own door uses its <c>Ranking:RequestTimeout</c>.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Deadline of an item write (<c>PUT /v1/items</c>, <c>DELETE /v1/items/{id}</c>): stored in the item partitions and
    /// embedded by every served version's shards before the answer. Default 10 s.
    /// </summary>
    public TimeSpan ItemWriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a read (rank, models) may go unanswered before a second attempt starts beside it, within the same
    /// deadline; the first good answer wins. Covers a request caught on a silo that stopped or died, which Orleans
    /// would otherwise fail only at its response timeout. Default (unset): half of <see cref="RequestTimeout"/>;
    /// <c>00:00:00</c> turns hedging off (a fast failure is still retried once).
    /// </summary>
    public TimeSpan? HedgeAfter { get; set; }

    /// <summary>The hedge delay in force: <see cref="HedgeAfter"/>, or half of <see cref="RequestTimeout"/> when unset.</summary>
    public TimeSpan EffectiveHedgeAfter => HedgeAfter ?? (RequestTimeout / 2);

    /// <summary>
    /// How often the gateway's Orleans client re-reads the list of silo gateways. Default 5 s (Orleans' own default is
    /// 1 min, so a gateway could still know only silos that a fast rolling upgrade had already replaced).
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><c>localhost</c> (default), <c>redis</c> or <c>azure</c>: how the gateway finds the cluster.</summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary>Redis connection string with redis clustering.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// Azure Storage connection string with azure clustering (required then): the account of the silos'
    /// <c>Cluster:AzureStorageConnectionString</c>, whose membership table lists their gateways.
    /// </summary>
    public string? AzureStorageConnectionString { get; set; }

    /// <summary>Localhost clustering: the silo gateway port to connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Orleans cluster id. Default <c>fitcluster</c>.</summary>
    public string ClusterId { get; set; } = "fitcluster";

    /// <summary>Orleans service id. Default <c>fitcluster</c>.</summary>
    public string ServiceId { get; set; } = "fitcluster";

    /// <summary>
    /// Mutual TLS to the silos' gateway ports (<c>Gateway:Tls:*</c>): required when the silos run with
    /// <c>Cluster:Tls:Enabled</c>, whose CA must have issued this certificate and vice versa. Off by default.
    /// </summary>
    public TlsFileOptions Tls { get; set; } = new();
}
