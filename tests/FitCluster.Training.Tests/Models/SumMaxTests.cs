using FitCluster.Training.Models;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class SumMaxTests
{
    [Fact]
    public void Score_SumsEachUserHeadsBestItemHead()
    {
        // Row 0: S = [[2, −1], [1, 3]] → max per user head 2 and 3 → 5. Row 1: S = [[0, 1], [0, 0]] → 1 + 0 = 1.
        var user = tensor(new float[] { 1, 0, 0, 1, 1, 1, 0, 0 }, [2, 2, 2]);
        var item = tensor(new float[] { 2, 1, -1, 3, 1, -1, 0.5f, 0.5f }, [2, 2, 2]);
        AssertClose([5, 1], SumMax.Score(user, item)); // FIT, eq. 10
    }

    [Fact]
    public void Score_OneHeadEach_IsDotProduct()
    {
        var user = tensor(new float[] { 1, 2, 3 }, [1, 1, 3]);
        var item = tensor(new float[] { -1, 0.5f, 2 }, [1, 1, 3]);
        AssertClose([6], SumMax.Score(user, item));
    }

    [Fact]
    public void SimilarityMatrixScorer_Fc_IsProjectionOfLinearOverFlattenedS()
    {
        using var scorer = new SimilarityMatrixScorer(FitScorer.Fc, userDim: 3, itemDim: 3, userHeads: 2, itemHeads: 2, headDim: 2, width: 2);
        Set(scorer, "fc.weight", [1, 0, 0, 0, 0, 0, 0, 1]); // W_3 picks S_00 and S_11
        Set(scorer, "fc.bias", [0.5f, -1]);
        Set(scorer, "projection.weight", [2, 3]);
        var user = tensor(new float[] { 1, 0, 0, 1 }, [1, 2, 2]);
        var item = tensor(new float[] { 2, 1, -1, 3 }, [1, 2, 2]);

        // S = [[2, −1], [1, 3]], Flatten = [2, −1, 1, 3]; W_3 s + b_3 = [2.5, 2]; w′ᵀ(…) = 2·2.5 + 3·2 = 11 (FIT, eq. 17).
        AssertClose([11], scorer.Score(user, item));
    }

    [Fact]
    public void SimilarityMatrixScorer_SumMax_MatchesSumMaxOfProjectedHeads()
    {
        manual_seed(4);
        using var scorer = new SimilarityMatrixScorer(FitScorer.SumMax, 3, 5, userHeads: 2, itemHeads: 3, headDim: 4, width: 2);
        var userHeads = scorer.UserHeads(randn(2, 3));
        var itemHeads = scorer.ItemHeads(randn(2, 5));
        Assert.Equal([2L, 2, 4], userHeads.shape);
        Assert.Equal([2L, 3, 4], itemHeads.shape);
        AssertClose(Values(SumMax.Score(userHeads, itemHeads)), scorer.Score(userHeads, itemHeads));
        Assert.DoesNotContain(scorer.named_parameters(), p => p.name.StartsWith("fc", StringComparison.Ordinal));
    }
}
