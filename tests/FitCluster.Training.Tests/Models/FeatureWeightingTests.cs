using FitCluster.Training.Models;
using FitCluster.Training.Runs;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

/// <summary>COLD's SE block and IntTower's Light-SE on two groups of width 2.</summary>
public sealed class FeatureWeightingTests
{
    [Fact]
    public void SqueezeExcitation_WeightsFromAllGroupsThroughSigmoid_ScaleEachGroup()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        using var se = new SqueezeExcitation(groups: 2, groupDim: 2);
        Set(se, "excitation.weight", [1, 0, 0, 0, 0, 0, 0, 1]); // s_1 reads e_1[0], s_2 reads e_2[1]
        Set(se, "excitation.bias", [0, 0]);
        var input = tensor(new float[] { 1, 2, 3, -4 }, [1, 4]);

        // s = σ([1, −4]) = [0.731059, 0.017986]; e′ = [s_1·(1, 2), s_2·(3, −4)]
        AssertClose([0.7310586f, 0.0179862f], se.Weights(input));
        AssertClose([0.7310586f, 1.4621172f, 0.0539586f, -0.0719448f], se.call(input));
    }

    [Fact]
    public void LightSe_SoftmaxOfFieldMeans_AddsWeightedFieldsToInput()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        using var se = new LightSe(fields: 2, fieldDim: 2);
        Set(se, "excitation.weight", [1, 0, 0, 1]);
        Set(se, "excitation.bias", [0, 0]);
        var input = tensor(new float[] { 1, 3, 2, -4 }, [1, 4]);

        // z = means [2, −1]; a = softmax(z) = [0.952574, 0.047426]; E′ = E + a ⊙ E
        AssertClose([0.9525741f, 0.0474259f], se.Weights(input));
        AssertClose([1.9525741f, 5.8577224f, 2.0948517f, -4.1897035f], se.call(input));
    }
}
