namespace FitCluster.Training.Evaluation;

/// <summary>
/// The few special functions the significance tests need: log-gamma, the regularized incomplete beta function and
/// the Student t tail. This is the single seam to swap for a library (e.g. MathNet.Numerics' <c>SpecialFunctions</c>
/// and <c>StudentT</c>) should one be referenced; callers see only these signatures.
/// </summary>
internal static class SpecialFunctions
{
    private const int MaxContinuedFractionTerms = 10_000;
    private const double ContinuedFractionEpsilon = 1e-15;
    private const double TinyDenominator = 1e-300;

    // Lanczos approximation, g = 7, n = 9: relative error below 1e-15 for positive arguments.
    private static readonly double[] s_lanczos =
    [
        0.99999999999980993,
        676.5203681218851,
        -1259.1392167224028,
        771.32342877765313,
        -176.61502916214059,
        12.507343278686905,
        -0.13857109526572012,
        9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma is implemented for positive arguments only.");
        }

        if (x < 0.5)
        {
            // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = s_lanczos[0];
        for (var i = 1; i < s_lanczos.Length; i++)
        {
            sum += s_lanczos[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>
    /// Regularized incomplete beta function I_x(a, b) for a, b &gt; 0 and x in [0, 1], by the continued fraction of
    /// Numerical Recipes (modified Lentz), applied to whichever of I_x(a, b) and 1 − I_{1−x}(b, a) converges fast.
    /// </summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (!(a > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, "Shape parameter a must be positive.");
        }

        if (!(b > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(b), b, "Shape parameter b must be positive.");
        }

        if (!(x >= 0 && x <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "x must lie in [0, 1].");
        }

        if (x == 0 || x == 1)
        {
            return x;
        }

        var logFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x));
        var front = Math.Exp(logFront);
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(a, b, x) / a
            : 1 - (front * BetaContinuedFraction(b, a, 1 - x) / b);
    }

    /// <summary>
    /// Two-sided tail probability P(|T| ≥ |t|) of Student's t distribution with <paramref name="degreesOfFreedom"/>
    /// (real, &gt; 0) degrees of freedom: I_{ν/(ν+t²)}(ν/2, 1/2).
    /// </summary>
    public static double StudentTTwoSidedPValue(double t, double degreesOfFreedom)
    {
        if (double.IsNaN(t) || double.IsNaN(degreesOfFreedom))
        {
            return double.NaN;
        }

        if (double.IsInfinity(t))
        {
            return 0;
        }

        var x = degreesOfFreedom / (degreesOfFreedom + (t * t));
        return RegularizedIncompleteBeta(degreesOfFreedom / 2, 0.5, x);
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        var qab = a + b;
        var qap = a + 1;
        var qam = a - 1;
        var c = 1.0;
        var d = 1 - (qab * x / qap);
        d = 1 / NonZero(d);
        var h = d;
        for (var m = 1; m <= MaxContinuedFractionTerms; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 / NonZero(1 + (aa * d));
            c = NonZero(1 + (aa / c));
            h *= d * c;

            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 / NonZero(1 + (aa * d));
            c = NonZero(1 + (aa / c));
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < ContinuedFractionEpsilon)
            {
                return h;
            }
        }

        throw new ArithmeticException(
            $"Incomplete beta continued fraction did not converge in {MaxContinuedFractionTerms} terms (a = {a}, b = {b}, x = {x}).");
    }

    private static double NonZero(double value) => Math.Abs(value) < TinyDenominator ? TinyDenominator : value;
}
