namespace FitCluster.Training.Evaluation;

/// <summary>
/// Significance tests for comparing models: Welch and paired t-tests over per-run metrics (the paper's "two-sided
/// t-test with p &lt; 0.05", Table 1) and a paired, user-level bootstrap of an AUC difference on one test set.
/// All methods are pure and thread-safe.
/// </summary>
public static class Significance
{
    private const double CiLowQuantile = 0.025;
    private const double CiHighQuantile = 0.975;
    private const int MaxRedrawsPerResample = 1000;

    /// <summary>Arithmetic mean.</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static double MeanOf(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("The mean of an empty sample is undefined.", nameof(values));
        }

        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum / values.Length;
    }

    /// <summary>Sample standard deviation with Bessel's correction (divides by n − 1), computed in two passes.</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> has fewer than 2 elements.</exception>
    public static double SampleStdDev(ReadOnlySpan<double> values)
    {
        if (values.Length < 2)
        {
            throw new ArgumentException(
                $"A sample standard deviation needs at least 2 values, got {values.Length}.", nameof(values));
        }

        var mean = MeanOf(values);
        var sumSquares = 0.0;
        foreach (var value in values)
        {
            var deviation = value - mean;
            sumSquares += deviation * deviation;
        }

        return Math.Sqrt(sumSquares / (values.Length - 1));
    }

    /// <summary>
    /// Two-sided Welch t-test (unequal variances) of mean(A) = mean(B), with Welch–Satterthwaite degrees of freedom.
    /// </summary>
    /// <param name="a">Sample A, e.g. one AUC per seed of the measured model; at least 2 values.</param>
    /// <param name="b">Sample B, e.g. one AUC per seed of the baseline; at least 2 values.</param>
    /// <returns>
    /// t (positive when A's mean is larger), df and p. When both samples are constant the standard error is zero and
    /// the test is undefined: T, DegreesOfFreedom and PValue are then NaN (the means are still filled in).
    /// </returns>
    /// <exception cref="ArgumentException">Either sample has fewer than 2 values.</exception>
    public static TTestResult WelchTTest(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length < 2 || b.Length < 2)
        {
            throw new ArgumentException(
                $"Welch's t-test needs at least 2 values per sample, got {a.Length} and {b.Length}.", a.Length < 2 ? nameof(a) : nameof(b));
        }

        var meanA = MeanOf(a);
        var meanB = MeanOf(b);
        var sdA = SampleStdDev(a);
        var sdB = SampleStdDev(b);
        var varianceOfMeanA = sdA * sdA / a.Length;
        var varianceOfMeanB = sdB * sdB / b.Length;
        var standardError2 = varianceOfMeanA + varianceOfMeanB;
        if (standardError2 == 0)
        {
            return new TTestResult(double.NaN, double.NaN, double.NaN, meanA, meanB);
        }

        var t = (meanA - meanB) / Math.Sqrt(standardError2);
        var df = standardError2 * standardError2
            / ((varianceOfMeanA * varianceOfMeanA / (a.Length - 1)) + (varianceOfMeanB * varianceOfMeanB / (b.Length - 1)));
        return new TTestResult(t, df, SpecialFunctions.StudentTTwoSidedPValue(t, df), meanA, meanB);
    }

    /// <summary>
    /// Two-sided paired t-test of mean(A − B) = 0, e.g. two models trained with the same seeds; df = n − 1.
    /// </summary>
    /// <param name="a">Sample A; element i is paired with <paramref name="b"/>[i].</param>
    /// <param name="b">Sample B, same length as <paramref name="a"/>.</param>
    /// <returns>
    /// t (positive when A is larger on average), df and p. When every difference is the same the standard error is
    /// zero and the test is undefined: T, DegreesOfFreedom and PValue are then NaN (the means are still filled in).
    /// </returns>
    /// <exception cref="ArgumentException">The lengths differ or there are fewer than 2 pairs.</exception>
    public static TTestResult PairedTTest(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"A paired t-test needs equal lengths, got {a.Length} and {b.Length}.", nameof(b));
        }

        if (a.Length < 2)
        {
            throw new ArgumentException($"A paired t-test needs at least 2 pairs, got {a.Length}.", nameof(a));
        }

        var n = a.Length;
        var meanDifference = 0.0;
        for (var i = 0; i < n; i++)
        {
            meanDifference += a[i] - b[i];
        }

        meanDifference /= n;
        var sumSquares = 0.0;
        for (var i = 0; i < n; i++)
        {
            var deviation = a[i] - b[i] - meanDifference;
            sumSquares += deviation * deviation;
        }

        var meanA = MeanOf(a);
        var meanB = MeanOf(b);
        var standardError = Math.Sqrt(sumSquares / (n - 1) / n);
        if (standardError == 0)
        {
            return new TTestResult(double.NaN, double.NaN, double.NaN, meanA, meanB);
        }

        var t = meanDifference / standardError;
        double df = n - 1;
        return new TTestResult(t, df, SpecialFunctions.StudentTTwoSidedPValue(t, df), meanA, meanB);
    }

    /// <summary>
    /// Paired bootstrap of AUC(A) − AUC(B) over groups (test users): each resample draws as many groups as there
    /// are, uniformly with replacement, takes every sample of each drawn group (once per draw), and scores both
    /// models on that same resample. A resample that happens to hold only one class is redrawn.
    /// O(n log n) set-up, then O(n + groups) per resample with no allocation.
    /// </summary>
    /// <param name="labels">Sample labels, 0 or 1; both classes must be present.</param>
    /// <param name="groups">Group (user) id of each sample; any integers.</param>
    /// <param name="scoresA">Scores of model A per sample; none NaN.</param>
    /// <param name="scoresB">Scores of model B per sample; none NaN.</param>
    /// <param name="resamples">Number of bootstrap resamples, at least 2 (2000 is typical).</param>
    /// <param name="seed">Seed of the resampling <see cref="Random"/>; equal seeds give equal results.</param>
    /// <returns>Observed difference, bootstrap mean and standard error, 95% percentile interval and p-value.</returns>
    /// <exception cref="ArgumentException">
    /// The spans differ in length, a score is NaN, a label is not 0/1, or only one class is present.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="resamples"/> is below 2.</exception>
    public static BootstrapResult PairedBootstrapAucDifference(
        ReadOnlySpan<float> labels,
        ReadOnlySpan<int> groups,
        ReadOnlySpan<float> scoresA,
        ReadOnlySpan<float> scoresB,
        int resamples,
        int seed)
    {
        if (groups.Length != labels.Length || scoresA.Length != labels.Length || scoresB.Length != labels.Length)
        {
            throw new ArgumentException(
                $"Bootstrap inputs differ in length: labels {labels.Length}, groups {groups.Length}, scoresA {scoresA.Length}, scoresB {scoresB.Length}.",
                nameof(groups));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 2);

        // Validates NaN scores, labels and that both classes are present.
        var observed = BinaryMetrics.Auc(scoresA, labels) - BinaryMetrics.Auc(scoresB, labels);

        var denseGroups = new int[groups.Length];
        var groupCount = DenseGroups(groups, denseGroups);
        var aucA = new GroupWeightedAuc(scoresA, labels, denseGroups);
        var aucB = new GroupWeightedAuc(scoresB, labels, denseGroups);

        var random = new Random(seed);
        var groupWeights = new int[groupCount];
        var differences = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            differences[r] = ResampledDifference(random, groupWeights, aucA, aucB);
        }

        var pValue = BootstrapPValue(observed, differences);
        Array.Sort(differences);
        return new BootstrapResult(
            observed,
            MeanOf(differences),
            SampleStdDev(differences),
            Percentile(differences, CiLowQuantile),
            Percentile(differences, CiHighQuantile),
            pValue,
            resamples);
    }

    private static double ResampledDifference(Random random, int[] groupWeights, GroupWeightedAuc aucA, GroupWeightedAuc aucB)
    {
        for (var attempt = 0; attempt < MaxRedrawsPerResample; attempt++)
        {
            Array.Clear(groupWeights);
            for (var draw = 0; draw < groupWeights.Length; draw++)
            {
                groupWeights[random.Next(groupWeights.Length)]++;
            }

            var a = aucA.Compute(groupWeights);
            if (!double.IsNaN(a))
            {
                return a - aucB.Compute(groupWeights);
            }
        }

        throw new InvalidOperationException(
            $"{MaxRedrawsPerResample} consecutive bootstrap resamples held only one class; too few groups contain positives or negatives.");
    }

    /// <summary>Maps arbitrary group ids to 0..count−1 in order of first appearance; returns the count.</summary>
    private static int DenseGroups(ReadOnlySpan<int> groups, Span<int> denseGroups)
    {
        var indexById = new Dictionary<int, int>();
        for (var i = 0; i < groups.Length; i++)
        {
            if (!indexById.TryGetValue(groups[i], out var index))
            {
                index = indexById.Count;
                indexById.Add(groups[i], index);
            }

            denseGroups[i] = index;
        }

        return indexById.Count;
    }

    private static double BootstrapPValue(double observed, ReadOnlySpan<double> differences)
    {
        if (observed == 0)
        {
            return 1;
        }

        var otherSide = 0;
        foreach (var difference in differences)
        {
            if (observed > 0 ? difference <= 0 : difference >= 0)
            {
                otherSide++;
            }
        }

        var twoSided = 2.0 * otherSide / differences.Length;
        return Math.Clamp(twoSided, 1.0 / differences.Length, 1);
    }

    /// <summary>Linearly interpolated quantile of ascending values (R/NumPy default, "type 7").</summary>
    private static double Percentile(ReadOnlySpan<double> sorted, double quantile)
    {
        var h = (sorted.Length - 1) * quantile;
        var low = (int)Math.Floor(h);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((h - low) * (sorted[high] - sorted[low]));
    }
}
