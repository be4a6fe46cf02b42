using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;

namespace FitCluster.Grains;

/// <summary>One model version as a silo holds it: the validated artifact, its ranker (user tower, scorer) and shard map.</summary>
/// <param name="Ranker">Artifact, user tower and scorer.</param>
/// <param name="Shards">Which shard holds each item.</param>
public sealed record LoadedModel(Ranker Ranker, ShardMap Shards)
{
    private long _lastUsed;

    /// <summary>When it was last used (a <see cref="TimeProvider"/> timestamp); see <see cref="Touch"/>.</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    /// <summary>Records a use at <paramref name="timestamp"/>: a version in use is never unloaded.</summary>
    public void Touch(long timestamp) => Volatile.Write(ref _lastUsed, timestamp);

    /// <summary>The artifact.</summary>
    public ModelArtifact Artifact => Ranker.Artifact;

    /// <summary>The version id.</summary>
    public string ModelVersion => Ranker.Artifact.ModelVersion;
}
