namespace FitCluster.Training.Evaluation;

/// <summary>Outcome of a two-sided Student/Welch t-test comparing sample A with sample B.</summary>
/// <param name="T">
/// The t statistic, positive when A's mean exceeds B's; NaN when the standard error is zero (both samples constant).
/// </param>
/// <param name="DegreesOfFreedom">
/// Degrees of freedom: Welch–Satterthwaite (real-valued) for the unpaired test, n − 1 for the paired test; NaN when
/// <paramref name="T"/> is NaN.
/// </param>
/// <param name="PValue">Two-sided p-value P(|T| ≥ |t|) under the null of equal means; NaN when <paramref name="T"/> is NaN.</param>
/// <param name="MeanA">Arithmetic mean of sample A.</param>
/// <param name="MeanB">Arithmetic mean of sample B.</param>
public sealed record TTestResult(double T, double DegreesOfFreedom, double PValue, double MeanA, double MeanB);
