using FitCluster.Training.Evaluation;
using Xunit;

namespace FitCluster.Training.Tests.Evaluation;

public class SpecialFunctionsTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.13)]
    [InlineData(0.5)]
    [InlineData(0.77)]
    [InlineData(1.0)]
    public void RegularizedIncompleteBeta_AOneBOne_EqualsX(double x)
    {
        Assert.Equal(x, SpecialFunctions.RegularizedIncompleteBeta(1, 1, x), 1e-13);
    }

    [Theory]
    [InlineData(0.5, 0.3)]
    [InlineData(2.0, 0.6)]
    [InlineData(3.7, 0.9)]
    [InlineData(12.0, 0.95)]
    public void RegularizedIncompleteBeta_BOne_EqualsXToTheA(double a, double x)
    {
        Assert.Equal(Math.Pow(x, a), SpecialFunctions.RegularizedIncompleteBeta(a, 1, x), 1e-13);
    }

    [Theory]
    [InlineData(0.5, 0.3)]
    [InlineData(4.0, 0.8)]
    public void RegularizedIncompleteBeta_AOne_EqualsOneMinusComplementToTheB(double b, double x)
    {
        // I_x(1, b) = 1 − (1 − x)^b.
        Assert.Equal(1 - Math.Pow(1 - x, b), SpecialFunctions.RegularizedIncompleteBeta(1, b, x), 1e-13);
    }

    [Theory]
    [InlineData(2.5, 4.2, 0.3)]
    [InlineData(50, 0.5, 0.9)]
    [InlineData(7, 3, 0.65)]
    public void RegularizedIncompleteBeta_Symmetry_HoldsAcrossBranches(double a, double b, double x)
    {
        var direct = SpecialFunctions.RegularizedIncompleteBeta(a, b, x);
        var mirrored = SpecialFunctions.RegularizedIncompleteBeta(b, a, 1 - x);

        Assert.Equal(1.0, direct + mirrored, 1e-13);
    }

    [Theory]
    [InlineData(0.5, 0.57236494292470009)] // ln √π
    [InlineData(1.0, 0.0)]
    [InlineData(5.0, 3.1780538303479458)] // ln 24
    [InlineData(10.5, 13.940625219403763)]
    public void LogGamma_KnownValues_Match(double x, double expected)
    {
        Assert.Equal(expected, SpecialFunctions.LogGamma(x), 1e-12);
    }

    [Theory]
    [InlineData(3.0, 1.0)]
    [InlineData(0.7, 1.0)]
    public void StudentTTwoSidedPValue_OneDegreeOfFreedom_EqualsCauchyClosedForm(double t, double df)
    {
        // With ν = 1 the t distribution is Cauchy: P(|T| ≥ t) = 1 − (2/π)·atan(t).
        Assert.Equal(1 - (2 / Math.PI * Math.Atan(t)), SpecialFunctions.StudentTTwoSidedPValue(t, df), 1e-13);
    }

    [Theory]
    [InlineData(2.0, 10, 0.0734)] // t-table: two-sided 0.0734
    [InlineData(2.571, 5, 0.0500)] // t-table: t(0.975, 5) = 2.571
    [InlineData(2.228, 10, 0.0500)] // t-table: t(0.975, 10) = 2.228
    [InlineData(1.96, 1e7, 0.0500)] // large ν tends to the normal: z(0.975) = 1.96
    [InlineData(0.0, 4, 1.0)]
    public void StudentTTwoSidedPValue_TTableValues_Match(double t, double df, double expected)
    {
        Assert.Equal(expected, SpecialFunctions.StudentTTwoSidedPValue(t, df), 1e-4);
        Assert.Equal(expected, SpecialFunctions.StudentTTwoSidedPValue(-t, df), 1e-4);
    }
}
