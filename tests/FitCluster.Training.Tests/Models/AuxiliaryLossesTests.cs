using FitCluster.Training.Models;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class AuxiliaryLossesTests
{
    [Fact]
    public void Mimic_SquaredDistanceOnPositivesOverBatch_GradientOnlyToAugmentedSide()
    {
        var augmented = tensor(new float[] { 1, 2, 0, 0 }, [2, 2]).requires_grad_();
        var mimicked = tensor(new float[] { 0, 1, 3, 3 }, [2, 2]).requires_grad_();
        var labels = tensor(new float[] { 1, 0 });

        var loss = AuxiliaryLosses.Mimic(augmented, mimicked, labels);
        loss.backward();

        // Row 0: ‖(1, 1)‖² = 2; row 1 is a negative, ignored; mean over T = 2 rows → 1.
        Assert.Equal(1f, loss.item<float>(), 6);
        AssertClose([1, 1, 0, 0], augmented.grad!); // 2·(a − p)·y / T
        Assert.True(mimicked.grad is null || Values(mimicked.grad).All(g => g == 0), "the mimicked tower output must get no gradient (stop-gradient)");
    }

    [Fact]
    public void InBatchContrastive_SoftmaxOverBatchItems_AveragedOverPositives()
    {
        var user = tensor(new float[] { 3, 0, 0, 2 }, [2, 2]); // normalised inside: (1, 0), (0, 1)
        var item = tensor(new float[] { 1, 0, 0.6f, 0.8f }, [2, 2]);

        // cos/τ with τ = 0.5: row 0 = [2, 1.2], row 1 = [0, 1.6]; −log softmax of the own item:
        // row 0 = log(1 + e^−0.8) = 0.371101, row 1 = log(1 + e^−1.6) = 0.183901.
        var both = AuxiliaryLosses.InBatchContrastive(user, item, tensor(new float[] { 1, 1 }), 0.5);
        var first = AuxiliaryLosses.InBatchContrastive(user, item, tensor(new float[] { 1, 0 }), 0.5);
        var none = AuxiliaryLosses.InBatchContrastive(user, item, tensor(new float[] { 0, 0 }), 0.5);
        Assert.Equal(0.2775007f, both.item<float>(), 5);
        Assert.Equal(0.3711007f, first.item<float>(), 5);
        Assert.Equal(0f, none.item<float>());
    }
}
