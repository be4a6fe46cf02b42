namespace FitCluster.Training.Evaluation;

/// <summary>
/// AUC of one scorer under integer per-group weights (a bootstrap resample drawn over groups), in O(n) per call:
/// samples are sorted by score once, at construction, so a resample only re-weights the precomputed order.
/// Immutable after construction, so <see cref="Compute"/> may run on several threads at once.
/// </summary>
internal sealed class GroupWeightedAuc
{
    private readonly int[] _sortedGroup;
    private readonly int[] _sortedPositive;
    private readonly int[] _blockEnds;

    /// <summary>Sorts the samples by score and records the blocks of tied scores.</summary>
    /// <param name="scores">Sample scores, none NaN.</param>
    /// <param name="labels">Sample labels, 0 or 1.</param>
    /// <param name="denseGroups">Each sample's group in 0..groupCount−1.</param>
    public GroupWeightedAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, ReadOnlySpan<int> denseGroups)
    {
        var n = scores.Length;
        var keys = scores.ToArray();
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        _sortedGroup = new int[n];
        _sortedPositive = new int[n];
        var blockEnds = new List<int>();
        for (var k = 0; k < n; k++)
        {
            _sortedGroup[k] = denseGroups[order[k]];
            _sortedPositive[k] = BinaryMetrics.PositiveFlag(labels[order[k]], order[k], nameof(labels));
            if (k + 1 == n || keys[k + 1] != keys[k])
            {
                blockEnds.Add(k + 1);
            }
        }

        _blockEnds = blockEnds.ToArray();
    }

    /// <summary>
    /// AUC where every sample of group g counts <paramref name="groupWeights"/>[g] times; NaN when the weighted
    /// samples hold only one class.
    /// </summary>
    public double Compute(ReadOnlySpan<int> groupWeights)
    {
        var sortedGroup = _sortedGroup;
        var sortedPositive = _sortedPositive;
        var negativesBelow = 0L;
        var positives = 0L;
        var wins = 0.0;
        var start = 0;
        foreach (var end in _blockEnds)
        {
            var blockPositives = 0L;
            var blockNegatives = 0L;
            for (var k = start; k < end; k++)
            {
                long weight = groupWeights[sortedGroup[k]];
                var positive = sortedPositive[k];
                blockPositives += weight * positive;
                blockNegatives += weight * (1 - positive);
            }

            // Positive-above-negative pairs plus half the tied pairs, as in BinaryMetrics.Auc.
            wins += (blockPositives * (double)negativesBelow) + (0.5 * blockPositives * blockNegatives);
            negativesBelow += blockNegatives;
            positives += blockPositives;
            start = end;
        }

        return positives == 0 || negativesBelow == 0 ? double.NaN : wins / ((double)positives * negativesBelow);
    }
}
