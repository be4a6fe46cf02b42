using FitCluster.Training.Cli;
using FitCluster.Training.Evaluation;

namespace FitCluster.Training.Tests.Cli;

public sealed class DemoVerdictTests
{
    [Fact]
    public void Decide_IntervalAboveZero_RecommendsFitWithBothAucsAndTheStory()
    {
        var verdict = DemoVerdict.Decide("fit-no-lss", "two-tower", 0.9412, 0.9187, Interval(0.0225, 0.0171, 0.0280), synthetic: true);

        Assert.Equal("fit-no-lss", verdict.RecommendedModel);
        Assert.StartsWith(
            "Recommended: fit-no-lss (FIT): test AUC fit-no-lss 0.9412 vs two-tower 0.9187, difference +0.0225 (95% interval over test users [+0.0171, +0.0280]). Why: in this synthetic data",
            verdict.Text,
            StringComparison.Ordinal);
        Assert.Contains("which facet went with which cluster", verdict.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_IntervalAboveZeroOnRealData_DoesNotTellTheSyntheticStory()
    {
        var verdict = DemoVerdict.Decide("fit-no-lss", "two-tower", 0.9195, 0.9140, Interval(0.0055, 0.0031, 0.0080), synthetic: false);

        Assert.Equal("fit-no-lss", verdict.RecommendedModel);
        Assert.DoesNotContain("synthetic", verdict.Text, StringComparison.Ordinal);
        Assert.Contains("0.9195 vs two-tower 0.9140, difference +0.0055", verdict.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_IntervalBelowZero_RecommendsTwoTowerAndSaysItRanksBetter()
    {
        var verdict = DemoVerdict.Decide("fit-no-lss", "two-tower", 0.8889, 0.8999, Interval(-0.0110, -0.0160, -0.0061), synthetic: true);

        Assert.Equal("two-tower", verdict.RecommendedModel);
        Assert.Equal(
            "Recommended: two-tower: test AUC fit-no-lss 0.8889 vs two-tower 0.8999, difference -0.0110 (95% interval over test users [-0.0160, -0.0061]). " +
            "Why: Two-Tower ranks this data's test users better than FIT, and Two-Tower is the simpler and cheaper model to train and serve.",
            verdict.Text);
    }

    [Fact]
    public void Decide_FitAheadButIntervalHoldsZero_RecommendsTwoTowerAsWithinNoise()
    {
        var verdict = DemoVerdict.Decide("fit-no-lss", "two-tower", 0.8927, 0.8882, Interval(0.0045, -0.0004, 0.0093), synthetic: true);

        Assert.Equal("two-tower", verdict.RecommendedModel);
        Assert.Contains("difference +0.0045 (95% interval over test users [-0.0004, +0.0093])", verdict.Text, StringComparison.Ordinal);
        Assert.Contains("FIT's difference is within the noise of this test set", verdict.Text, StringComparison.Ordinal);
    }

    private static BootstrapResult Interval(double observed, double low, double high) =>
        new(observed, observed, (high - low) / 4, low, high, 0.01, 2000);
}
