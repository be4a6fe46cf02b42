using System.Buffers;
using System.Runtime.InteropServices;
using FitCluster.Model.Catalog;
using FitCluster.Model.Numerics;
using FitCluster.Model.Scoring;

namespace FitCluster.Model.Ranking;

/// <summary>
/// The scatter-gather plan of one ranking request over a catalog split into shards — the one plan the in-process
/// <see cref="Ranker"/> and the cluster both run, which is why their answers are equal:
/// <list type="number">
/// <item>route: each raw id goes to shard (FNV-1a(id) mod B) mod S (<see cref="ItemIdHash"/>), in request order, with its
/// request position — no id map anywhere (<see cref="Partition"/>);</item>
/// <item>branches: the user tower computes the branches some item of the catalog uses (the item table's branch mask);
/// every shard reads the same heads array, whole, because only the shard knows its candidates' query indices
/// (<see cref="ScoreShard"/>);</item>
/// <item>each shard resolves its ids, reports the unknown ones, scores the rest and keeps its top-k, ties toward the
/// earlier request position (<see cref="ScoreShard"/>, <see cref="ResolveShard"/>);</item>
/// <item>gather: a k-way merge of the partial top-k lists by the same rule, unknown ids in request order
/// (<see cref="Merge"/>, <see cref="GatherBehaviours"/>).</item>
/// </list>
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed class RankingPlan
{
    /// <summary>A plan over <paramref name="shardCount"/> shards of a table with <paramref name="bucketCount"/> buckets.</summary>
    public RankingPlan(int bucketCount, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        BucketCount = bucketCount;
        ShardCount = shardCount;
    }

    /// <summary>B, the item table's hash buckets.</summary>
    public int BucketCount { get; }

    /// <summary>S, the shards.</summary>
    public int ShardCount { get; }

    /// <summary>The shard that owns <paramref name="id"/> (whether or not the catalog holds it).</summary>
    public int ShardOf(string id) => ItemIdHash.ShardOfBucket(ItemIdHash.BucketOf(ItemIdHash.Fnv1a(id), BucketCount), ShardCount);

    /// <summary>Routes ids to shards: per shard (index s), its ids and their positions in <paramref name="ids"/>, in request order.</summary>
    public ShardPart[] Partition(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var shardOf = ArrayPool<int>.Shared.Rent(ids.Count); // each id hashed once; the parts are the only arrays kept
        try
        {
            var counts = new int[ShardCount];
            for (var i = 0; i < ids.Count; i++)
            {
                shardOf[i] = ShardOf(ids[i]);
                counts[shardOf[i]]++;
            }

            var parts = new ShardPart[ShardCount];
            for (var s = 0; s < ShardCount; s++)
            {
                parts[s] = new ShardPart(new string[counts[s]], new int[counts[s]]);
                counts[s] = 0;
            }

            for (var i = 0; i < ids.Count; i++)
            {
                var part = parts[shardOf[i]];
                var at = counts[shardOf[i]]++;
                part.Ids[at] = ids[i];
                part.Positions[at] = i;
            }

            return parts;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(shardOf);
        }
    }

    /// <summary>
    /// One shard's step: resolves <paramref name="ids"/> against <paramref name="shard"/>, scores the known ones against
    /// <paramref name="userHeads"/> (all N branches, each item reading its own query index's branch — FIT, eq. 8) and
    /// keeps the best <paramref name="k"/>, best first; equal scores keep request order.
    /// </summary>
    /// <param name="shard">The shard's rows.</param>
    /// <param name="scorer">The model's late interaction.</param>
    /// <param name="userHeads">User heads of every branch, <c>[N, H_u × p]</c>, read in place.</param>
    /// <param name="ids">The shard's candidates, in request order.</param>
    /// <param name="positions">Their request positions, ascending.</param>
    /// <param name="k">How many to keep (≥ 1).</param>
    /// <param name="overlay">Items written to the shard since export (upserts and deletes), which take precedence over
    /// <paramref name="shard"/>'s rows; null or empty: the artifact's rows only.</param>
    /// <param name="overlayScorer">The scorer of the overlay's rows (the CPU scorer when <paramref name="scorer"/> is bound
    /// to the shard's rows on a device); null: <paramref name="scorer"/>.</param>
    public static ShardScores ScoreShard(
        ItemShard shard, ICandidateScorer scorer, ReadOnlySpan<float> userHeads, IReadOnlyList<string> ids, ReadOnlySpan<int> positions, int k,
        ItemOverlay? overlay = null, ICandidateScorer? overlayScorer = null)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (ids.Count != positions.Length)
        {
            throw new ArgumentException($"{ids.Count} ids with {positions.Length} positions.");
        }

        if (overlay is { IsEmpty: false })
        {
            return ScoreWithOverlay(shard, scorer, userHeads, ids, positions, k, overlay, overlayScorer ?? scorer);
        }

        var rows = ArrayPool<int>.Shared.Rent(ids.Count);
        var known = ArrayPool<int>.Shared.Rent(ids.Count);
        var scores = ArrayPool<float>.Shared.Rent(ids.Count);
        try
        {
            var count = 0;
            var unknown = new List<int>();
            shard.FindAll(ids, rows.AsSpan(0, ids.Count));
            for (var i = 0; i < ids.Count; i++)
            {
                var row = rows[i]; // count ≤ i: compacting in place never overwrites a row not yet read
                if (row < 0)
                {
                    unknown.Add(positions[i]);
                    continue;
                }

                rows[count] = row;
                known[count++] = positions[i];
            }

            scorer.Score(userHeads, shard.Items, rows.AsSpan(0, count), scores.AsSpan(0, count));
            return Best(scores.AsSpan(0, count), known.AsSpan(0, count), unknown, k);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rows);
            ArrayPool<int>.Shared.Return(known);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    // ScoreShard with items written since export: each id is the overlay's (upserted: its row there; deleted: unknown)
    // or else the artifact's; both tables are scored, and the scores go back into request order before the top-k.
    private static ShardScores ScoreWithOverlay(
        ItemShard shard, ICandidateScorer scorer, ReadOnlySpan<float> userHeads, IReadOnlyList<string> ids, ReadOnlySpan<int> positions, int k,
        ItemOverlay overlay, ICandidateScorer overlayScorer)
    {
        var baseRows = new List<int>();
        var overlayRows = new List<int>();
        var fromOverlay = new List<bool>();
        var known = new List<int>();
        var unknown = new List<int>();
        for (var i = 0; i < ids.Count; i++)
        {
            var inOverlay = overlay.TryFind(ids[i], out var row);
            if (!inOverlay)
            {
                row = shard.Find(ids[i]);
            }

            if (row < 0)
            {
                unknown.Add(positions[i]);
                continue;
            }

            (inOverlay ? overlayRows : baseRows).Add(row);
            fromOverlay.Add(inOverlay);
            known.Add(positions[i]);
        }

        var baseScores = new float[baseRows.Count];
        var overlayScores = new float[overlayRows.Count];
        scorer.Score(userHeads, shard.Items, CollectionsMarshal.AsSpan(baseRows), baseScores);
        overlayScorer.Score(userHeads, overlay.Table, CollectionsMarshal.AsSpan(overlayRows), overlayScores);
        var scores = new float[known.Count];
        int b = 0, o = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = fromOverlay[i] ? overlayScores[o++] : baseScores[b++];
        }

        return Best(scores, CollectionsMarshal.AsSpan(known), unknown, k);
    }

    // The best k of the scored candidates (scores and request positions in request order), ties toward the earlier position.
    private static ShardScores Best(ReadOnlySpan<float> scores, ReadOnlySpan<int> known, List<int> unknown, int k)
    {
        var best = new ScoredIndex[Math.Min(k, scores.Length)];
        var kept = TopK.Select(scores, best);
        var topPositions = new int[kept];
        var topScores = new float[kept];
        for (var i = 0; i < kept; i++)
        {
            topPositions[i] = known[best[i].Index];
            topScores[i] = best[i].Score;
        }

        return new ShardScores(topPositions, topScores, [.. unknown], scores.Length);
    }

    /// <summary>One shard's step for behaviours: the item index of each id (−1 when the shard does not hold it).</summary>
    public static int[] ResolveShard(ItemShard shard, IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(ids);
        var indices = new int[ids.Count];
        for (var i = 0; i < indices.Length; i++)
        {
            var row = shard.Find(ids[i]);
            indices[i] = row < 0 ? -1 : shard.ItemIndexOf(row);
        }

        return indices;
    }

    /// <summary>
    /// One shard's step for behaviours, with the rows the user tower reads: the item index of each id (−1 when the shard
    /// does not hold it) and its attribute row e_c (FIT, eq. 4; zeros for an unknown id), <c>[ids, D]</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The shard was read without attribute rows.</exception>
    public static (int[] ItemIndices, float[] Attributes) ResolveShardRows(ItemShard shard, IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(ids);
        if (!shard.HasAttributes)
        {
            throw new InvalidOperationException("The shard was read without its items' attribute rows.");
        }

        var dim = shard.AttributeDim;
        var indices = new int[ids.Count];
        var attributes = new float[ids.Count * dim];
        for (var i = 0; i < indices.Length; i++)
        {
            var row = shard.Find(ids[i]);
            indices[i] = row < 0 ? -1 : shard.ItemIndexOf(row);
            if (row >= 0)
            {
                shard.AttributesOf(row).CopyTo(attributes.AsSpan(i * dim, dim));
            }
        }

        return (indices, attributes);
    }

    /// <summary>
    /// The gather step: the overall top-k of the shards' lists (a k-way merge, <see cref="TopKMerge"/>: higher score
    /// first, equal scores by earlier request position), the unknown positions ascending, and how many were scored.
    /// </summary>
    public static MergedRanking Merge(IReadOnlyList<ShardScores> parts, int k)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var lists = new (int[] Positions, float[] Scores)[parts.Count];
        var unknown = new List<int>();
        var scored = 0;
        for (var s = 0; s < parts.Count; s++)
        {
            lists[s] = (parts[s].Positions, parts[s].Scores);
            unknown.AddRange(parts[s].UnknownPositions);
            scored += parts[s].Scored;
        }

        unknown.Sort();
        return new MergedRanking(TopKMerge.Merge(lists, k), [.. unknown], scored);
    }

    /// <summary>
    /// <see cref="GatherBehaviours"/> with each shard's attribute rows (<see cref="ResolveShardRows"/>): the sequence,
    /// its rows <c>[sequence, D]</c> in the same order, and the unknown ids.
    /// </summary>
    public static (int[] Sequence, float[] Attributes, IReadOnlyList<string> Unknown) GatherBehaviourRows(
        IReadOnlyList<string> behaviours, IReadOnlyList<(int[] Positions, int[] ItemIndices, float[] Attributes)> parts, int sequenceLength, int dim)
    {
        ArgumentNullException.ThrowIfNull(behaviours);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        var indices = new int[behaviours.Count];
        Array.Fill(indices, -1);
        var byPosition = new float[behaviours.Count * dim];
        foreach (var (positions, itemIndices, attributes) in parts)
        {
            if (positions.Length != itemIndices.Length || attributes.Length != itemIndices.Length * dim)
            {
                throw new ArgumentException("A shard answered a different number of behaviours or attribute rows than it was sent.");
            }

            for (var i = 0; i < positions.Length; i++)
            {
                indices[positions[i]] = itemIndices[i];
                attributes.AsSpan(i * dim, dim).CopyTo(byPosition.AsSpan(positions[i] * dim, dim));
            }
        }

        var (kept, unknown) = LatestKnown(behaviours, indices, sequenceLength);
        var sequence = new int[kept.Length];
        var rows = new float[kept.Length * dim];
        for (var l = 0; l < kept.Length; l++)
        {
            sequence[l] = indices[kept[l]];
            byPosition.AsSpan(kept[l] * dim, dim).CopyTo(rows.AsSpan(l * dim, dim));
        }

        return (sequence, rows, unknown);
    }

    /// <summary>
    /// Gathers the shards' answers for the behaviours: the known item indices in request order (the latest
    /// <paramref name="sequenceLength"/>, as in training) and the unknown ids in request order.
    /// </summary>
    /// <param name="behaviours">The request's behaviour ids, oldest first.</param>
    /// <param name="parts">Per shard: the positions it was sent (<see cref="Partition"/>) and the item indices it answered.</param>
    /// <param name="sequenceLength">The model's sequence length L.</param>
    public static (int[] Sequence, IReadOnlyList<string> Unknown) GatherBehaviours(
        IReadOnlyList<string> behaviours, IReadOnlyList<(int[] Positions, int[] ItemIndices)> parts, int sequenceLength)
    {
        ArgumentNullException.ThrowIfNull(behaviours);
        ArgumentNullException.ThrowIfNull(parts);
        var indices = new int[behaviours.Count];
        Array.Fill(indices, -1);
        foreach (var (positions, itemIndices) in parts)
        {
            if (positions.Length != itemIndices.Length)
            {
                throw new ArgumentException("A shard answered a different number of behaviours than it was sent.");
            }

            for (var i = 0; i < positions.Length; i++)
            {
                indices[positions[i]] = itemIndices[i];
            }
        }

        var (kept, unknown) = LatestKnown(behaviours, indices, sequenceLength);
        return (Array.ConvertAll(kept, position => indices[position]), unknown);
    }

    // One pass in request order over the gathered item indices: the positions of the known behaviours, of which the
    // latest sequenceLength are kept (as in training), and the ids no shard knows.
    private static (int[] Kept, List<string> Unknown) LatestKnown(IReadOnlyList<string> behaviours, int[] indices, int sequenceLength)
    {
        var known = new List<int>(indices.Length);
        var unknown = new List<string>();
        for (var i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 1)
            {
                unknown.Add(behaviours[i]);
            }
            else
            {
                known.Add(i);
            }
        }

        var length = Math.Min(known.Count, sequenceLength);
        return (known.GetRange(known.Count - length, length).ToArray(), unknown);
    }
}
