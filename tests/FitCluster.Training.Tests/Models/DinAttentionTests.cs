using FitCluster.Training.Models;
using FitCluster.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class DinAttentionTests
{
    private static (Tensor Query, Tensor Keys, Tensor Mask) Inputs()
    {
        manual_seed(3);
        var query = randn(2, 4);
        var keys = randn(2, 5, 4);
        var mask = tensor(new[] { true, true, true, false, false, true, true, true, true, true }).reshape(2, 5);
        return (query, keys, mask);
    }

    [Fact]
    public void Weights_PaddingPositions_AreExactlyZero()
    {
        manual_seed(5);
        using var attention = new DinAttention(4, [6, 3]);
        var (query, keys, mask) = Inputs();
        var weights = Values(attention.Weights(query, keys, mask));
        Assert.Equal(0f, weights[3]);
        Assert.Equal(0f, weights[4]);
        Assert.Contains(weights.Take(3), w => w != 0);
    }

    [Fact]
    public void Pool_EvalMode_IgnoresWhatPaddingHolds()
    {
        manual_seed(5);
        using var attention = new DinAttention(4, [6, 3]);
        attention.eval();
        var (query, keys, mask) = Inputs();
        var before = Values(attention.Pool(query, keys, mask));
        var changed = keys.clone();
        changed[0, 3] = full(4, 100f);
        changed[0, 4] = full(4, -7f);
        AssertClose(before, attention.Pool(query, changed, mask));
    }

    [Fact]
    public void Weights_SplitFirstLayer_EqualsLinearOverConcatenation()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        manual_seed(5);
        using var attention = new DinAttention(4, [6, 3]);
        attention.eval();
        var (query, keys, mask) = Inputs();
        var q = query.unsqueeze(1).expand(-1, 5, -1);
        var concatenated = cat([keys, q, keys - q, keys * q], -1); // DIN: [e_j, q, e_j − q, e_j ⊙ q]
        var h = nn.functional.linear(concatenated, Get(attention, "fc0.weight"), Get(attention, "fc0.bias"));
        var naive = attention.named_children().ToDictionary(c => c.name, c => c.module);
        var dice0 = (Dice)naive["dice0"];
        var fcs = (TorchSharp.Modules.ModuleList<TorchSharp.Modules.Linear>)naive["fcs"];
        var dices = (TorchSharp.Modules.ModuleList<Dice>)naive["dices"];
        var output = (TorchSharp.Modules.Linear)naive["output"];
        var x = dice0.call(h); // the rest of the unit as-is, Dice/BN in eval mode
        x = dices[0].call(fcs[0].call(x));
        var expected = output.call(x).squeeze(-1).masked_fill(mask.logical_not(), 0);
        AssertClose(Values(expected), attention.Weights(query, keys, mask), 1e-5);
    }

    [Fact]
    public void Pool_IsUnnormalisedWeightedSum_Equation19()
    {
        manual_seed(5);
        using var attention = new DinAttention(4, [6, 3]);
        attention.eval();
        var (query, keys, mask) = Inputs();
        var weights = Values(attention.Weights(query, keys, mask));
        var k = Values(keys);
        var expected = new float[8];
        for (var b = 0; b < 2; b++)
        {
            for (var j = 0; j < 5; j++)
            {
                for (var d = 0; d < 4; d++)
                {
                    expected[(b * 4) + d] += weights[(b * 5) + j] * k[(((b * 5) + j) * 4) + d];
                }
            }
        }

        AssertClose(expected, attention.Pool(query, keys, mask), 1e-5);
    }
}
