using FitCluster.Training.Models;
using FitCluster.Training.Runs;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class DiceTests
{
    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    public void Forward_Training_MatchesDinFormula(float alpha)
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        using var dice = new Dice(units: 1);
        Set(dice, "alpha", [alpha]);
        dice.train();
        float[] x = [1, 2, 3, 4];
        var output = dice.call(tensor(x).reshape(4, 1));

        // p(s) = sigmoid((s − mean) / sqrt(var + ε)), biased batch variance; f(s) = p·s + (1 − p)·α·s
        const double Mean = 2.5, Variance = 1.25;
        var expected = x.Select(s =>
        {
            var p = 1 / (1 + Math.Exp(-(s - Mean) / Math.Sqrt(Variance + 1e-8)));
            return (float)((p * s) + ((1 - p) * alpha * s));
        }).ToArray();
        AssertClose(expected, output);
    }

    [Fact]
    public void Forward_ThreeDimensionalInput_NormalisesPerUnit()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        using var dice = new Dice(units: 2);
        dice.train();
        var input = tensor(new float[] { 1, 10, 3, 30, 5, 50, 7, 70 }).reshape(2, 2, 2);
        var output = dice.call(input);
        Assert.Equal(input.shape, output.shape);

        // unit 1 is unit 0 scaled by 10: same normalised value, so the same gate p, so output scales by 10 too.
        var values = Values(output);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(values[2 * i] * 10, values[(2 * i) + 1], 3);
        }
    }
}
