namespace FitCluster.Training.Evaluation;

/// <summary>Outcome of a paired bootstrap of a statistic difference (A − B), e.g. AUC(A) − AUC(B).</summary>
/// <param name="Observed">The difference on the original, unresampled data.</param>
/// <param name="Mean">Mean of the resampled differences.</param>
/// <param name="StandardError">Sample standard deviation of the resampled differences (the bootstrap standard error).</param>
/// <param name="CiLow">2.5th percentile of the resampled differences (lower end of the 95% percentile interval).</param>
/// <param name="CiHigh">97.5th percentile of the resampled differences (upper end of the 95% percentile interval).</param>
/// <param name="PValue">
/// Two-sided bootstrap p-value: twice the fraction of resampled differences on the other side of 0 from
/// <paramref name="Observed"/> (0 included), floored at 1 / <paramref name="Resamples"/> and capped at 1; exactly 1 when
/// the observed difference is 0.
/// </param>
/// <param name="Resamples">Number of bootstrap resamples drawn.</param>
public sealed record BootstrapResult(
    double Observed,
    double Mean,
    double StandardError,
    double CiLow,
    double CiHigh,
    double PValue,
    int Resamples);
