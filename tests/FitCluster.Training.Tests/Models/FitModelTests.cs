using FitCluster.Training.Models;
using FitCluster.Training.Runs;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class FitModelTests
{
    [Fact]
    public void Forward_EvalMode_EqualsServingPathOverAllBranches()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        manual_seed(11);
        using var model = new FitModel(TinySchema.Create(), TinySchema.SmallFit());
        Warm(model);
        model.eval();
        using var noGrad = no_grad();
        var input = TinySchema.Batch();
        var direct = Values(model.call(input));

        // §4.3.2: all N hard queries through the user tower once, then per candidate the branch named by its query index.
        var branches = model.UserHeadsAllBranches(input);
        Assert.Equal([3L, 4, 2, 3], branches.shape);
        var served = model.ScoreFromBranches(branches, model.QueryIndex(input.Item), model.ItemHeads(input.Item));
        AssertClose(direct, served, 1e-5);
    }

    [Fact]
    public void Forward_Training_ReportsQuerySimilarityAndUsesTemperature()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        manual_seed(11);
        using var model = new FitModel(TinySchema.Create(), TinySchema.SmallFit());
        model.train();
        var input = TinySchema.Batch();
        model.Temperature = 1.0;
        model.call(input);
        var qsWarm = model.LastQuerySimilarity!.Value;
        model.Temperature = 0.001;
        model.call(input);
        var qsCold = model.LastQuerySimilarity!.Value;
        Assert.InRange(qsCold, 0.999, 1.0 + 1e-6); // τ → 0: the soft query is the hard query (eq. 24 → 1)
        Assert.True(qsWarm < qsCold, $"QS at τ=1 ({qsWarm}) should be below QS at τ=0.001 ({qsCold})");
    }

    [Fact]
    public void Forward_TrainingAtTinyTemperature_MatchesHardQueryMode()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        manual_seed(11);
        using var soft = new FitModel(TinySchema.Create(), TinySchema.SmallFit());
        using var hard = new FitModel(TinySchema.Create(), TinySchema.SmallFit(QueryMode.Hard));
        hard.load_state_dict(soft.state_dict()); // same weights without relying on the global RNG, which parallel tests share
        soft.train();
        hard.train();
        soft.Temperature = 1e-6;
        var input = TinySchema.Batch();
        AssertClose(Values(hard.call(input)), soft.call(input), 1e-4);
    }

    [Fact]
    public void Forward_ExactTarget_HasNoMetaQuery()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        manual_seed(11);
        using var model = new FitModel(TinySchema.Create(), TinySchema.SmallFit(QueryMode.ExactTarget));
        Assert.Null(model.MetaQuery);
        model.train();
        var scores = model.call(TinySchema.Batch());
        Assert.Equal([3L], scores.shape);
        Assert.Null(model.LastQuerySimilarity);
        Assert.Throws<InvalidOperationException>(() => model.QueryIndex(TinySchema.Batch().Item));
    }

    [Fact]
    public void Backward_Training_ReachesItemMetaMatrix()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        manual_seed(11);
        using var model = new FitModel(TinySchema.Create(), TinySchema.SmallFit());
        model.train();
        model.Temperature = 1.0;
        model.call(TinySchema.Batch()).sum().backward();
        var grad = model.MetaQuery!.Meta.grad;
        Assert.NotNull(grad);
        Assert.True(grad.abs().sum().item<float>() > 0, "the soft query must send gradient to Q");
    }

    // One training-mode pass so BatchNorm running statistics are not the identity defaults.
    private static void Warm(FitModel model)
    {
        model.train();
        using var noGrad = no_grad();
        model.call(TinySchema.Batch());
    }
}
