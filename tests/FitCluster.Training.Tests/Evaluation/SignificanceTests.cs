using FitCluster.Training.Evaluation;
using Xunit;

namespace FitCluster.Training.Tests.Evaluation;

public class SignificanceTests
{
    // Wikipedia, "Welch's t-test", example 1 (A1, A2): t = −2.46, ν ≈ 24.99, p ≈ 0.021.
    private static readonly double[] s_welchA = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    private static readonly double[] s_welchB = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];

    [Fact]
    public void MeanOf_Values_ReturnsArithmeticMean()
    {
        Assert.Equal(2.5, Significance.MeanOf([1, 2, 3, 4]), 1e-15);
    }

    [Fact]
    public void SampleStdDev_Values_UsesBesselCorrection()
    {
        // Deviations −1.5, −0.5, 0.5, 1.5: sum of squares 5, over n − 1 = 3.
        Assert.Equal(Math.Sqrt(5.0 / 3), Significance.SampleStdDev([1, 2, 3, 4]), 1e-15);
    }

    [Fact]
    public void SampleStdDev_SingleValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => Significance.SampleStdDev([1.0]));
    }

    [Fact]
    public void WelchTTest_WikipediaExample_MatchesPublishedValues()
    {
        var result = Significance.WelchTTest(s_welchA, s_welchB);

        // Reference values to more digits from MathNet.Numerics 5.0 StudentT.CDF on the same formula.
        Assert.Equal(-2.4553563982860, result.T, 1e-9);
        Assert.Equal(24.988529290231, result.DegreesOfFreedom, 1e-9);
        Assert.Equal(0.021378001462865, result.PValue, 1e-9);
        Assert.Equal(20.82, result.MeanA, 1e-12);
        Assert.Equal(22.98667, result.MeanB, 1e-5);
    }

    [Fact]
    public void WelchTTest_SwappedSamples_NegatesTKeepsP()
    {
        var forward = Significance.WelchTTest(s_welchA, s_welchB);
        var backward = Significance.WelchTTest(s_welchB, s_welchA);

        Assert.Equal(-forward.T, backward.T, 1e-12);
        Assert.Equal(forward.DegreesOfFreedom, backward.DegreesOfFreedom, 1e-9);
        Assert.Equal(forward.PValue, backward.PValue, 1e-12);
    }

    [Fact]
    public void WelchTTest_FiveSeedsOfAucs_IsSignificant()
    {
        double[] dat = [0.8784, 0.8791, 0.8779, 0.8788, 0.8795];
        double[] twoTower = [0.8695, 0.8702, 0.8690, 0.8711, 0.8699, 0.8688];

        var result = Significance.WelchTTest(dat, twoTower);

        Assert.Equal(20.318438027786, result.T, 1e-6);
        Assert.Equal(8.8981496912282, result.DegreesOfFreedom, 1e-6);
        Assert.InRange(result.PValue, 9.18e-9, 9.20e-9);
    }

    [Fact]
    public void WelchTTest_BothSamplesConstant_ReturnsNaN()
    {
        var result = Significance.WelchTTest([0.5, 0.5, 0.5], [0.4, 0.4]);

        Assert.True(double.IsNaN(result.T));
        Assert.True(double.IsNaN(result.DegreesOfFreedom));
        Assert.True(double.IsNaN(result.PValue));
        Assert.Equal(0.5, result.MeanA, 1e-15);
        Assert.Equal(0.4, result.MeanB, 1e-15);
    }

    [Fact]
    public void WelchTTest_FewerThanTwoValues_Throws()
    {
        Assert.Throws<ArgumentException>(() => Significance.WelchTTest([1.0], [1.0, 2.0]));
    }

    [Fact]
    public void PairedTTest_WikipediaPairs_MatchesReference()
    {
        var result = Significance.PairedTTest(s_welchA, s_welchB);

        // Reference: MathNet.Numerics 5.0 on the differences a − b (ν = 14).
        Assert.Equal(-2.6857145748246, result.T, 1e-9);
        Assert.Equal(14, result.DegreesOfFreedom);
        Assert.Equal(0.017746021669481, result.PValue, 1e-9);
    }

    [Fact]
    public void PairedTTest_ConstantDifference_ReturnsNaN()
    {
        var result = Significance.PairedTTest([1.0, 2.0, 3.0], [0.5, 1.5, 2.5]);

        Assert.True(double.IsNaN(result.PValue));
    }

    [Fact]
    public void PairedTTest_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => Significance.PairedTTest([1.0, 2.0], [1.0, 2.0, 3.0]));
    }

    [Fact]
    public void PairedBootstrapAucDifference_IdenticalScores_ObservedZeroAndPOne()
    {
        var data = TestUsers.Create(userCount: 300, seed: 1);

        var result = Significance.PairedBootstrapAucDifference(data.Labels, data.Groups, data.ScoresA, data.ScoresA, 500, seed: 3);

        Assert.Equal(0.0, result.Observed);
        Assert.Equal(0.0, result.Mean);
        Assert.Equal(0.0, result.StandardError);
        Assert.Equal(0.0, result.CiLow);
        Assert.Equal(0.0, result.CiHigh);
        Assert.Equal(1.0, result.PValue);
        Assert.Equal(500, result.Resamples);
    }

    [Fact]
    public void PairedBootstrapAucDifference_ClearlyBetterScorer_PositiveCiExcludingZero()
    {
        var data = TestUsers.Create(userCount: 2_000, seed: 2);

        var result = Significance.PairedBootstrapAucDifference(data.Labels, data.Groups, data.ScoresA, data.ScoresB, 1_000, seed: 5);

        var expected = BinaryMetrics.Auc(data.ScoresA, data.Labels) - BinaryMetrics.Auc(data.ScoresB, data.Labels);
        Assert.Equal(expected, result.Observed, 1e-15);
        Assert.True(result.Observed > 0.05, $"observed {result.Observed}");
        Assert.True(result.CiLow > 0, $"CI [{result.CiLow}, {result.CiHigh}]");
        Assert.True(result.CiLow < result.Observed && result.Observed < result.CiHigh);
        Assert.Equal(result.Observed, result.Mean, 0.01);
        Assert.InRange(result.StandardError, 1e-4, 0.05);
        Assert.Equal(1.0 / 1_000, result.PValue);
    }

    [Fact]
    public void PairedBootstrapAucDifference_NoRealDifference_LargePValue()
    {
        var data = TestUsers.Create(userCount: 1_000, seed: 4);

        // C is drawn exactly like B with independent noise: no systematic gap, so the CI covers 0 and p stays large.
        var result = Significance.PairedBootstrapAucDifference(data.Labels, data.Groups, data.ScoresB, data.ScoresC, 1_000, seed: 5);

        Assert.True(result.CiLow < 0 && result.CiHigh > 0, $"CI [{result.CiLow}, {result.CiHigh}]");
        Assert.True(result.PValue > 0.05, $"p {result.PValue}");
    }

    [Fact]
    public void PairedBootstrapAucDifference_SameSeed_IsDeterministic()
    {
        var data = TestUsers.Create(userCount: 400, seed: 6);

        var first = Significance.PairedBootstrapAucDifference(data.Labels, data.Groups, data.ScoresA, data.ScoresB, 300, seed: 11);
        var second = Significance.PairedBootstrapAucDifference(data.Labels, data.Groups, data.ScoresA, data.ScoresB, 300, seed: 11);
        var other = Significance.PairedBootstrapAucDifference(data.Labels, data.Groups, data.ScoresA, data.ScoresB, 300, seed: 12);

        Assert.Equal(first, second);
        Assert.NotEqual(first.CiLow, other.CiLow);
    }

    [Fact]
    public void PairedBootstrapAucDifference_TwelveThousandSamplesTwoThousandResamples_EveryResampleDrawn()
    {
        // Its speed at this size (the demo's test set) is the trainer's business, not a unit test's: no clock here.
        var data = TestUsers.Create(userCount: 6_000, seed: 8);

        var result = Significance.PairedBootstrapAucDifference(data.Labels, data.Groups, data.ScoresA, data.ScoresB, 2_000, seed: 1);

        Assert.Equal(2_000, result.Resamples);
        Assert.True(result.CiLow <= result.Mean && result.Mean <= result.CiHigh, $"mean {result.Mean} outside [{result.CiLow}, {result.CiHigh}]");
        Assert.True(result.StandardError > 0, $"standard error {result.StandardError}");
    }

    [Fact]
    public void PairedBootstrapAucDifference_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(
            () => Significance.PairedBootstrapAucDifference([1f, 0f], [0], [0.5f, 0.1f], [0.5f, 0.1f], 10, 1));
    }

    [Fact]
    public void PairedBootstrapAucDifference_TooFewResamples_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => Significance.PairedBootstrapAucDifference([1f, 0f], [0, 0], [0.5f, 0.1f], [0.5f, 0.1f], 1, 1));
    }
}
