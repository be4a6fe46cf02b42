using FitCluster.Training.Models;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class GatedCrossAttentionTests
{
    [Fact]
    public void Forward_ScaledSoftmaxAttentionThenGatedMix()
    {
        using var cross = new GatedCrossAttention(headDim: 4);
        var userGate = new float[8 * 4];
        userGate[0] = 1; // g_u[0] = σ(Z_u[0]): reads the head itself, not the attended part
        Set(cross, "user_gate.weight", userGate);
        Set(cross, "user_gate.bias", new float[4]);
        Set(cross, "item_gate.weight", new float[8 * 4]);
        Set(cross, "item_gate.bias", [MathF.Log(3), MathF.Log(3), MathF.Log(3), MathF.Log(3)]); // g_v = σ(ln 3) = 0.75
        var user = tensor(new float[] { 2, 0, 0, 0 }, [1, 1, 4]);
        var item = tensor(new float[] { 2, 0, 0, 0, 0, 0, 0, 0 }, [1, 2, 4]);

        var (gatedUser, gatedItem) = cross.Forward(user, item);

        // S / √p = [4, 0] / 2 → softmax [0.880797, 0.119203] → A_u = (1.761594, 0, 0, 0).
        // g_u = (σ(2), ½, ½, ½) → Z′_u[0] = 2 + σ(2)·(1.761594 − 2) = 1.790013; other entries 0.
        AssertClose([1.7900128f, 0, 0, 0], gatedUser);

        // Each item head attends to the only user head: A_v = (2, 0, 0, 0); Z′_v = Z_v + 0.75·(A_v − Z_v).
        AssertClose([2, 0, 0, 0, 1.5f, 0, 0, 0], gatedItem);
    }
}
