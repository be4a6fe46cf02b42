using System.Globalization;
using FitCluster.Training.Evaluation;

namespace FitCluster.Training.Cli;

/// <summary>
/// The demo's recommendation, computed from the two test AUCs and a paired bootstrap of their difference over test
/// users: FIT when the whole 95% interval of AUC(FIT) − AUC(Two-Tower) is above 0, Two-Tower otherwise (when FIT is
/// significantly worse, and also when the interval holds 0: then FIT's extra cost buys nothing shown).
/// </summary>
/// <param name="RecommendedModel">The model name recommended (<paramref name="FitModel"/> or <paramref name="BaselineModel"/>).</param>
/// <param name="FitModel">The FIT configuration's model name.</param>
/// <param name="BaselineModel">The Two-Tower model name.</param>
/// <param name="FitAuc">FIT's test AUC.</param>
/// <param name="BaselineAuc">Two-Tower's test AUC.</param>
/// <param name="Difference">The paired bootstrap of AUC(FIT) − AUC(Two-Tower) over test users.</param>
/// <param name="Text">Two sentences: the recommendation with both AUCs and the margin, then why.</param>
public sealed record DemoVerdict(
    string RecommendedModel, string FitModel, string BaselineModel, double FitAuc, double BaselineAuc, BootstrapResult Difference, string Text)
{
    /// <summary>Decides between FIT and Two-Tower.</summary>
    /// <param name="fitModel">FIT's model name, e.g. <c>fit-no-lss</c>.</param>
    /// <param name="baselineModel">Two-Tower's model name.</param>
    /// <param name="fitAuc">FIT's test AUC.</param>
    /// <param name="baselineAuc">Two-Tower's test AUC.</param>
    /// <param name="difference">Paired bootstrap of AUC(FIT) − AUC(Two-Tower) over the same test users.</param>
    /// <param name="synthetic">Whether the data is the built-in synthetic dataset, whose generative story explains a FIT win.</param>
    public static DemoVerdict Decide(
        string fitModel, string baselineModel, double fitAuc, double baselineAuc, BootstrapResult difference, bool synthetic)
    {
        ArgumentNullException.ThrowIfNull(difference);
        var numbers = string.Create(CultureInfo.InvariantCulture,
            $"test AUC {fitModel} {fitAuc:F4} vs {baselineModel} {baselineAuc:F4}, difference {fitAuc - baselineAuc:+0.0000;-0.0000;0.0000} (95% interval over test users [{difference.CiLow:+0.0000;-0.0000;0.0000}, {difference.CiHigh:+0.0000;-0.0000;0.0000}])");
        if (difference.CiLow > 0)
        {
            var why = synthetic
                ? "Why: in this synthetic data a user's next item usually has the facet of their own latest behaviours in that item's cluster; " +
                  "FIT pools exactly those behaviours with attention conditioned on the candidate's meta query, while Two-Tower's single user vector " +
                  "comes from the averaged history, which keeps which clusters and which facets a user had but not which facet went with which cluster."
                : "Why: FIT's target-aware early interaction (the Meta Query Module's attention over the behaviours) ranks this data's test users better than one averaged user vector.";
            return new DemoVerdict(fitModel, fitModel, baselineModel, fitAuc, baselineAuc, difference,
                $"Recommended: {fitModel} (FIT): {numbers}. {why}");
        }

        var reason = difference.CiHigh < 0
            ? "Two-Tower ranks this data's test users better than FIT"
            : "FIT's difference is within the noise of this test set";
        return new DemoVerdict(baselineModel, fitModel, baselineModel, fitAuc, baselineAuc, difference,
            $"Recommended: {baselineModel}: {numbers}. Why: {reason}, and Two-Tower is the simpler and cheaper model to train and serve.");
    }
}
