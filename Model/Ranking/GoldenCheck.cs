using FitCluster.Model.Artifacts;

namespace FitCluster.Model.Ranking;

/// <summary>
/// Re-scores an artifact's golden set (<c>golden.json</c>: the trainer's eval-mode scores) with the serving arithmetic,
/// as serving does on load before a version can be activated: checksums prove the files are the ones exported, this proves
/// the served arithmetic still reproduces the trainer — whatever a consistent edit of manifest and seal could change.
/// It reads only the rows the golden requests name (<see cref="Catalog.ItemTableFile.ReadItems"/>), so a silo that holds
/// none of the catalog can run it.
/// </summary>
public static class GoldenCheck
{
    /// <summary>Scores every golden pair with <paramref name="runtime"/> and returns the largest |serving − trainer| difference.</summary>
    /// <exception cref="ArtifactException">The golden set is unreadable or empty, disagrees with the manifest's pair count,
    /// names an unknown item, or a score is off by more than <see cref="GoldenEntry.Tolerance"/>.</exception>
    public static double Verify(ModelRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var artifact = runtime.Artifact;
        var golden = GoldenSet.Read(artifact.PathOf(artifact.Manifest.Golden.File));
        var ids = golden.Requests.SelectMany(r => (r.Candidates ?? []).Concat(r.Behaviours ?? []));
        using var ranker = new Ranker(runtime, [artifact.ItemFile.ReadItems(ids)], new RankingPlan(artifact.ItemFile.BucketCount, 1));
        return Verify(ranker, golden);
    }

    /// <summary>Scores every golden pair with <paramref name="ranker"/> (its own shards) and returns the largest difference.</summary>
    /// <exception cref="ArtifactException">As <see cref="Verify(ModelRuntime)"/>.</exception>
    public static double Verify(Ranker ranker)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        return Verify(ranker, GoldenSet.Read(ranker.Artifact.PathOf(ranker.Artifact.Manifest.Golden.File)));
    }

    private static double Verify(Ranker ranker, GoldenSet golden)
    {
        var artifact = ranker.Artifact;
        var entry = artifact.Manifest.Golden;
        var pairs = golden.Requests.Sum(r => r.Candidates?.Count ?? 0);
        if (pairs == 0)
        {
            throw new ArtifactException($"{artifact.Directory}: the golden set is empty; serving cannot verify this model.");
        }

        if (pairs != entry.Pairs)
        {
            throw new ArtifactException($"{artifact.Directory}: the golden set holds {pairs:N0} pairs, the manifest says {entry.Pairs:N0}.");
        }

        var worst = 0.0;
        for (var r = 0; r < golden.Requests.Count; r++)
        {
            var request = golden.Requests[r];
            if (request.UserFeatures is null || request.Behaviours is null || request.Candidates is null || request.Scores is null
                || request.Scores.Count != request.Candidates.Count)
            {
                throw new ArtifactException($"{artifact.Directory}: golden request {r} is incomplete.");
            }

            float[] scores;
            try
            {
                scores = ranker.ScoreAll(new RankQuery(request.UserFeatures, request.Behaviours, request.Candidates, request.Candidates.Count));
            }
            catch (ArgumentException e)
            {
                throw new ArtifactException($"{artifact.Directory}: golden request {r} does not fit the manifest: {e.Message}", e);
            }

            for (var c = 0; c < scores.Length; c++)
            {
                var difference = Math.Abs((double)scores[c] - request.Scores[c]);
                if (!(difference <= entry.Tolerance)) // NaN (an unknown item) fails too
                {
                    throw new ArtifactException(
                        $"{artifact.Directory}: golden request {r}, candidate '{request.Candidates[c]}': serving scores {scores[c]:G6}, " +
                        $"the trainer {request.Scores[c]:G6} (tolerance {entry.Tolerance:G3}): the artifact does not reproduce its model.");
                }

                worst = Math.Max(worst, difference);
            }
        }

        return worst;
    }
}
