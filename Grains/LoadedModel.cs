using FitCluster.Model.Artifacts;
using FitCluster.Model.Ranking;

namespace FitCluster.Grains;

/// <summary>One model version as a silo holds it: the validated artifact, its ranker (user tower, scorer) and shard map.</summary>
/// <param name="Ranker">Artifact, user tower and scorer.</param>
/// <param name="Shards">Which shard holds each item.</param>
public sealed record LoadedModel(Ranker Ranker, ShardMap Shards)
{
    /// <summary>The artifact.</summary>
    public ModelArtifact Artifact => Ranker.Artifact;

    /// <summary>The version id.</summary>
    public string ModelVersion => Ranker.Artifact.ModelVersion;
}
