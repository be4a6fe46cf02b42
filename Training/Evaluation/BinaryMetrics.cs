using System.Buffers;

namespace FitCluster.Training.Evaluation;

/// <summary>
/// Offline metrics for binary click/rating prediction: ROC AUC, log loss and the paper's RelaImpr.
/// All methods are pure and thread-safe; scratch memory comes from <see cref="ArrayPool{T}.Shared"/>.
/// </summary>
public static class BinaryMetrics
{
    /// <summary>
    /// Exact area under the ROC curve: the probability that a random positive scores above a random negative, ties
    /// counting one half. Equals the Mann–Whitney U statistic with average ranks divided by P·N. O(n log n).
    /// </summary>
    /// <param name="scores">Model scores (any monotone scale: logits or probabilities); must not be NaN.</param>
    /// <param name="labels">1 for a positive sample, 0 for a negative; same length as <paramref name="scores"/>.</param>
    /// <returns>AUC in [0, 1].</returns>
    /// <exception cref="ArgumentException">
    /// Lengths differ, a score is NaN, a label is neither 0 nor 1, or only one class is present.
    /// </exception>
    public static double Auc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException(
                $"Scores and labels differ in length: {scores.Length} scores, {labels.Length} labels.", nameof(labels));
        }

        var positives = 0L;
        for (var i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is NaN; AUC needs every score to be ordered.", nameof(scores));
            }

            positives += PositiveFlag(labels[i], i, nameof(labels));
        }

        var negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException(
                $"AUC needs both classes, but the {scores.Length} labels hold {positives} positives and {negatives} negatives.",
                nameof(labels));
        }

        var n = scores.Length;
        var keys = ArrayPool<float>.Shared.Rent(n);
        var items = ArrayPool<float>.Shared.Rent(n);
        try
        {
            var sortedScores = keys.AsSpan(0, n);
            var sortedLabels = items.AsSpan(0, n);
            scores.CopyTo(sortedScores);
            labels.CopyTo(sortedLabels);
            sortedScores.Sort(sortedLabels);
            return SortedAuc(sortedScores, sortedLabels, positives, negatives);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(keys);
            ArrayPool<float>.Shared.Return(items);
        }
    }

    /// <summary>
    /// Mean binary cross-entropy −[y·ln p + (1−y)·ln(1−p)], with each probability clipped to [ε, 1−ε] so that a
    /// confident mistake costs a large but finite amount.
    /// </summary>
    /// <param name="probabilities">Predicted probabilities of the positive class.</param>
    /// <param name="labels">Targets in [0, 1] (normally 0 or 1); same length as <paramref name="probabilities"/>.</param>
    /// <param name="epsilon">Clipping bound, in (0, 0.5); default 1e-7.</param>
    /// <returns>Mean loss in nats.</returns>
    /// <exception cref="ArgumentException">Lengths differ or the inputs are empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is outside (0, 0.5).</exception>
    public static double LogLoss(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, double epsilon = 1e-7)
    {
        CheckLossInputs(probabilities.Length, labels.Length, nameof(labels));
        if (!(epsilon > 0 && epsilon < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must lie in (0, 0.5).");
        }

        var sum = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp((double)probabilities[i], epsilon, 1 - epsilon);
            double y = labels[i];
            sum -= (y * Math.Log(p)) + ((1 - y) * Math.Log(1 - p));
        }

        return sum / probabilities.Length;
    }

    /// <summary>
    /// Mean binary cross-entropy of sigmoid(logit), computed as max(z, 0) − z·y + ln(1 + e^−|z|) so it never
    /// overflows; equal to <see cref="LogLoss"/> of the sigmoid for moderate logits (no clipping is applied).
    /// </summary>
    /// <param name="logits">Raw scores z; the predicted probability is 1 / (1 + e^−z).</param>
    /// <param name="labels">Targets in [0, 1] (normally 0 or 1); same length as <paramref name="logits"/>.</param>
    /// <returns>Mean loss in nats.</returns>
    /// <exception cref="ArgumentException">Lengths differ or the inputs are empty.</exception>
    public static double LogLossFromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels)
    {
        CheckLossInputs(logits.Length, labels.Length, nameof(labels));
        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            double z = logits[i];
            sum += Math.Max(z, 0) - (z * labels[i]) + double.LogP1(Math.Exp(-Math.Abs(z)));
        }

        return sum / logits.Length;
    }

    /// <summary>
    /// Relative AUC improvement of a measured model over a base model, as a percentage (2.41 means 2.41%):
    /// ((AUC(measured) − 0.5) / (AUC(base) − 0.5) − 1) × 100.
    /// </summary>
    /// <param name="measuredAuc">AUC of the model being compared.</param>
    /// <param name="baseAuc">AUC of the base model; must differ from 0.5 (a random base makes the ratio undefined).</param>
    /// <returns>Relative improvement in percent.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baseAuc"/> is 0.5 or NaN.</exception>
    public static double RelaImpr(double measuredAuc, double baseAuc)
    {
        if (double.IsNaN(baseAuc) || baseAuc == 0.5)
        {
            throw new ArgumentOutOfRangeException(nameof(baseAuc), baseAuc, "RelaImpr is undefined for a base AUC of 0.5.");
        }

        // FIT, eq. 22
        return (((measuredAuc - 0.5) / (baseAuc - 0.5)) - 1) * 100;
    }

    /// <summary>AUC of scores sorted ascending, walking blocks of tied scores once.</summary>
    private static double SortedAuc(ReadOnlySpan<float> sortedScores, ReadOnlySpan<float> sortedLabels, long positives, long negatives)
    {
        // Pairs (positive above negative) + ½ (tied pairs) = Mann–Whitney U with average ranks.
        var negativesBelow = 0L;
        var wins = 0.0;
        var start = 0;
        while (start < sortedScores.Length)
        {
            var end = start + 1;
            while (end < sortedScores.Length && sortedScores[end] == sortedScores[start])
            {
                end++;
            }

            var blockPositives = 0L;
            for (var i = start; i < end; i++)
            {
                blockPositives += sortedLabels[i] == 1f ? 1 : 0;
            }

            var blockNegatives = end - start - blockPositives;
            wins += (blockPositives * (double)negativesBelow) + (0.5 * blockPositives * blockNegatives);
            negativesBelow += blockNegatives;
            start = end;
        }

        return wins / ((double)positives * negatives);
    }

    /// <summary>1 for label 1, 0 for label 0; anything else is rejected.</summary>
    internal static int PositiveFlag(float label, int index, string paramName)
    {
        if (label == 1f)
        {
            return 1;
        }

        if (label == 0f)
        {
            return 0;
        }

        throw new ArgumentException($"Label {index} is {label}; AUC needs labels of exactly 0 or 1.", paramName);
    }

    private static void CheckLossInputs(int predictionCount, int labelCount, string paramName)
    {
        if (predictionCount != labelCount)
        {
            throw new ArgumentException(
                $"Predictions and labels differ in length: {predictionCount} predictions, {labelCount} labels.", paramName);
        }

        if (predictionCount == 0)
        {
            throw new ArgumentException("Log loss needs at least one sample.", paramName);
        }
    }
}
