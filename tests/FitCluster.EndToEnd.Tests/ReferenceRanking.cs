using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Ranking;

namespace FitCluster.EndToEnd.Tests;

/// <summary>The in-process <see cref="Ranker"/> as the oracle the cluster must agree with.</summary>
public static class ReferenceRanking
{
    /// <summary>Score tolerance between the cluster and the in-process ranker.</summary>
    public const float Tolerance = 1e-5f;

    /// <summary>What the in-process ranker answers for <paramref name="body"/> with the artifact in <paramref name="directory"/>.</summary>
    public static RankOutcome Rank(string directory, RankBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var ranker = Ranker.Load(directory);
        return ranker.Rank(new RankQuery(body.User, body.Behaviours, body.Candidates, body.K));
    }

    /// <summary>Null when <paramref name="actual"/> has the same version, ids in the same order and scores within <see cref="Tolerance"/>; else what differs.</summary>
    public static string? Difference(RankOutcome expected, RankReply actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (actual.ModelVersion != expected.ModelVersion)
        {
            return $"model version {actual.ModelVersion}, expected {expected.ModelVersion}";
        }

        var expectedIds = string.Join(", ", expected.Items.Select(i => i.ItemKey));
        var actualIds = string.Join(", ", actual.Items.Select(i => i.ItemId));
        if (expectedIds != actualIds)
        {
            return $"top-{expected.Items.Count} ids [{actualIds}], expected [{expectedIds}]";
        }

        for (var i = 0; i < expected.Items.Count; i++)
        {
            if (Math.Abs(expected.Items[i].Score - actual.Items[i].Score) > Tolerance)
            {
                return $"score of {actual.Items[i].ItemId} (rank {i + 1}) {actual.Items[i].Score:R}, expected {expected.Items[i].Score:R} within {Tolerance}";
            }
        }

        return null;
    }

    /// <summary>Asserts that <paramref name="actual"/> equals <paramref name="expected"/> (see <see cref="Difference"/>).</summary>
    public static void AssertSame(RankOutcome expected, RankReply actual)
    {
        if (Difference(expected, actual) is { } difference)
        {
            Assert.Fail($"The cluster's ranking differs from the in-process Ranker's: {difference}.");
        }
    }
}
