using FitCluster.Model.Ranking;

namespace FitCluster.Grains;

/// <summary>Options of the ranking service (configuration section <c>Ranking</c>).</summary>
public sealed class RankingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Ranking";

    /// <summary>Default <see cref="ShardCount"/>.</summary>
    public const int DefaultShardCount = 12;

    /// <summary>Default <see cref="MaxCandidates"/>.</summary>
    public const int DefaultMaxCandidates = RankLimits.DefaultMaxCandidates;

    /// <summary>Default <see cref="MaxK"/>.</summary>
    public const int DefaultMaxK = RankLimits.DefaultMaxK;

    /// <summary>Default <see cref="MaxBehaviours"/>.</summary>
    public const int DefaultMaxBehaviours = RankLimits.DefaultMaxBehaviours;

    /// <summary>Folder holding one sub-folder per model version (each written by <c>./fit export</c>). Required.</summary>
    public string ArtifactRoot { get; set; } = string.Empty;

    /// <summary>
    /// Item shards per model version; items go to shards by a stable hash of their raw id, and each shard reads only its
    /// own buckets of the item table, so a silo holds about 1/silos of the catalog. A version's shards spread evenly over
    /// the silos (each holds ⌊S/n⌋ or ⌈S/n⌉ of them) and move when silos join or leave. Choose it so that shards outnumber
    /// silos — a silo beyond the shard count holds none — ideally a multiple of the usual silo count. Default 12: an exact
    /// split over 1, 2, 3, 4 or 6 silos, and work for up to 12 (the Kubernetes base, 3 silos, uses it; the production
    /// overlay, 6 silos, sets 24). On a single small silo more shards only add messages (measured on 2 cores, 300 req/s of
    /// 2,000 candidates: p99 3.9 ms with 2 shards, 5.4 ms with 8): one per core is the low-latency choice there.
    /// The same on every silo of a cluster.
    /// </summary>
    public int ShardCount { get; set; } = DefaultShardCount;

    /// <summary>Largest candidate list a request may carry. Default 10,000.</summary>
    public int MaxCandidates { get; set; } = DefaultMaxCandidates;

    /// <summary>Largest k a request may ask for. Default 1,000.</summary>
    public int MaxK { get; set; } = DefaultMaxK;

    /// <summary>
    /// Longest behaviour list a request may carry (the model uses the latest sequence-length of them); also how many of a
    /// user's latest events a user grain keeps, and the largest events batch it accepts. Default 1,000.
    /// </summary>
    public int MaxBehaviours { get; set; } = DefaultMaxBehaviours;

    /// <summary>The request limits above, as the one check every door runs.</summary>
    public RankLimits Limits => new(MaxCandidates, MaxK, MaxBehaviours);

    /// <summary>Deadline of one request inside the cluster. Default 2 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a silo trusts its cached copy of the active model version. Default 1 s.</summary>
    public TimeSpan ActiveVersionCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The version the catalog activates (and stores) when it has none stored, i.e. on the cluster's first start; null for
    /// the newest servable version at that moment. Once a version is stored, only an activation changes it: a folder copied
    /// in later never becomes active by itself.
    /// </summary>
    public string? DefaultModelVersion { get; set; }

    /// <summary>
    /// Over how many user-tower calls (so cores) a request's N branches are split; 0 = one per core of the silo, 1 = no
    /// split. Splitting shortens a request on an idle silo and costs a little messaging under saturation. Default 0.
    /// </summary>
    public int UserTowerSplit { get; set; }

    /// <summary>
    /// How long a loaded model version that is neither active nor used by a request stays loaded; then the silo unloads
    /// it (its shard activations deactivate and its buffers are freed), and the next request naming it loads it again.
    /// Bounds memory across rollouts to about the active version plus those in use. Default 10 minutes; zero: never unload.
    /// </summary>
    public TimeSpan UnloadAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a silo that joined the cluster is left out of item-shard placement, so that it loads and warms its model
    /// versions before shards are placed on it or migrate to it (requests would otherwise wait for that load). Default
    /// 30 s; zero: a joining silo takes its share at once.
    /// </summary>
    public TimeSpan ShardJoinGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether loading verifies every artifact file's SHA-256. Default true.</summary>
    public bool VerifyChecksums { get; set; } = true;

    /// <summary>
    /// Whether loading re-scores the artifact's golden set (the trainer's scores) and refuses a version that does not
    /// reproduce it within the manifest's tolerance, before it can serve or be activated. Default true.
    /// </summary>
    public bool VerifyGolden { get; set; } = true;

    /// <summary>
    /// How often each item shard re-subscribes to the item partitions with the last write it holds and applies what it
    /// missed (a push that failed, a partition that moved). Default 5 s.
    /// </summary>
    public TimeSpan ItemCatchUpInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an item partition waits for a shard to apply a pushed write before dropping it (the shard catches up
    /// later, within <see cref="ItemCatchUpInterval"/>). Default 5 s.
    /// </summary>
    public TimeSpan ItemPushTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
