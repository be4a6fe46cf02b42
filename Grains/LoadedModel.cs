using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;

namespace FitCluster.Grains;

/// <summary>
/// One model version as a silo holds it: the validated metadata and weights, the user tower and scorer, and the ranking
/// plan over the cluster's shards — never the items, which each shard activation reads for itself.
/// </summary>
/// <param name="Runtime">Artifact metadata, user tower and scorer.</param>
/// <param name="Plan">How raw ids route to the <see cref="RankingOptions.ShardCount"/> shards.</param>
public sealed record LoadedModel(ModelRuntime Runtime, RankingPlan Plan)
{
    private long _lastUsed;

    /// <summary>When it was last used (a <see cref="TimeProvider"/> timestamp); see <see cref="Touch"/>.</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    /// <summary>Records a use at <paramref name="timestamp"/>: a version in use is never unloaded.</summary>
    public void Touch(long timestamp) => Volatile.Write(ref _lastUsed, timestamp);

    /// <summary>The artifact (metadata, weights, item table index).</summary>
    public ModelArtifact Artifact => Runtime.Artifact;

    /// <summary>The version id.</summary>
    public string ModelVersion => Runtime.ModelVersion;

    /// <summary>Floats of user heads a shard request carries: N × H_u × p.</summary>
    public int UserHeadsLength => Runtime.UserTower.BranchCount * Runtime.UserTower.HeadSize;
}
