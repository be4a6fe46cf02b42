using FitCluster.Training.Models;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class LightweightSimilarityScorerTests
{
    [Fact]
    public void Score_HandComputed_MatchesEquations13To16()
    {
        using var lss = new LightweightSimilarityScorer(userDim: 2, itemDim: 2, userHeads: 2, itemHeads: 2, headDim: 2, width: 2);
        Set(lss, "row_fc.weight", [1, 0, 1, -1]);   // W1 ∈ R^{d×H_v}
        Set(lss, "row_fc.bias", [0, 0.5f]);
        Set(lss, "column_fc.weight", [1, 1, 0, -1]); // W2 ∈ R^{d×H_u}
        Set(lss, "column_fc.bias", [0, 1]);
        Set(lss, "projection.weight", [1, 2, 3, 4]);
        var zu = tensor(new float[] { 1, 0, 0, 2 }).reshape(1, 2, 2);
        var zv = tensor(new float[] { 1, 1, 2, 0 }).reshape(1, 2, 2);

        // S = [[1, 2], [2, 0]]; S′ = ReLU(rows·W1ᵀ + b1) = [[1, 0], [2, 2.5]];
        // S″ columns: ReLU(W2·[1, 2] + b2) = [3, 0], ReLU(W2·[0, 2.5] + b2) = [2.5, 0] → S″ = [[3, 2.5], [0, 0]];
        // p = w · Flatten(S″) = 1·3 + 2·2.5 = 8 (a column-major flatten would give 10.5).
        AssertClose([8], lss.Score(zu, zv));
    }

    [Fact]
    public void UserHeads_ReshapesPerHead_MatchesEquation11()
    {
        using var lss = new LightweightSimilarityScorer(userDim: 1, itemDim: 1, userHeads: 2, itemHeads: 1, headDim: 2, width: 2);
        Set(lss, "user_heads.weight", [1, 2, 3, 4]);
        Set(lss, "user_heads.bias", [0, 0, 0, 1]);
        var heads = lss.UserHeads(tensor(new float[] { 2 }).reshape(1, 1));
        Assert.Equal([1L, 2, 2], heads.shape);
        AssertClose([2, 4, 6, 9], heads);
    }

    [Fact]
    public void Score_NegativeSimilarities_AreCutByRelu()
    {
        using var lss = new LightweightSimilarityScorer(2, 2, userHeads: 1, itemHeads: 1, headDim: 1, width: 1);
        Set(lss, "row_fc.weight", [1]);
        Set(lss, "row_fc.bias", [0]);
        Set(lss, "column_fc.weight", [1]);
        Set(lss, "column_fc.bias", [0]);
        Set(lss, "projection.weight", [1]);
        var score = lss.Score(tensor(new float[] { -1, 3 }).reshape(2, 1, 1), tensor(new float[] { 2, 2 }).reshape(2, 1, 1));
        AssertClose([0, 6], score);
    }
}
