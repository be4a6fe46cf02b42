using FitCluster.Training.Export;
using FitCluster.Training.Models;
using FitCluster.Training.Runs;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class ModelPresetTests
{
    public static TheoryData<string> Presets() => [.. ModelOptions.PresetNames];

    [Theory]
    [MemberData(nameof(Presets))]
    public void Preset_BuildsTrainsOneStepAndScores_FiniteEverywhere(string name)
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        manual_seed(3);
        var options = Small(ModelOptions.Preset(name));
        Assert.Equal(name, options.Name);
        using var model = ModelFactory.Create(TinySchema.Create(), options);
        var input = TinySchema.Batch();
        var labels = tensor(new float[] { 1, 0, 1 });

        model.train();
        var logits = model.call(input);
        Assert.Equal([3L], logits.shape);
        var loss = nn.functional.binary_cross_entropy_with_logits(logits, labels);
        var auxiliary = model.AuxiliaryLoss(labels);
        Assert.Equal(options.Kind is ModelKind.Dat or ModelKind.IntTower || name == "fit-cir", auxiliary is not null);
        var total = auxiliary is null ? loss : loss + auxiliary;
        total.backward();
        Assert.True(float.IsFinite(total.item<float>()), $"{name}: loss {total.item<float>()}");
        var gradients = model.parameters().Where(p => p.grad is not null).ToList();
        Assert.NotEmpty(gradients);
        Assert.All(gradients, p => Assert.All(Values(p.grad!), g => Assert.True(float.IsFinite(g))));
        Assert.Contains(gradients, p => Values(p.grad!).Any(g => g != 0));

        model.eval();
        using var noGrad = no_grad();
        Assert.All(Values(model.call(input)), l => Assert.True(float.IsFinite(l)));
        Assert.Null(model.AuxiliaryLoss(labels)); // an eval forward leaves nothing to regularise
    }

    [Fact]
    public void Preset_Unknown_NamesEveryKnownModel()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelOptions.Preset("dssm++"));
        foreach (var name in ModelOptions.PresetNames)
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PresetNames_CoverTable1AndTheAblations()
    {
        string[] expected =
        [
            "two-tower", "dat", "cold", "inttower", "ranktower", "fit", "din-target",
            "fit-no-mqm", "fit-no-lss", "fit-summax", "fit-fc", "fit-hard-query", "fit-soft-no-temperature", "fit-no-self-attention",
            "fit-cir",
        ];
        Assert.Equal(expected.Order(), ModelOptions.PresetNames.Order());
    }

    [Fact]
    public void FitAblations_SwapTheRightComponent()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        var schema = TinySchema.Create();
        using var noMqm = new FitModel(schema, Small(ModelOptions.Preset("fit-no-mqm")));
        using var noLss = new FitModel(schema, Small(ModelOptions.Preset("fit-no-lss")));
        using var summax = new FitModel(schema, Small(ModelOptions.Preset("fit-summax")));
        Assert.Null(noMqm.MetaQuery);
        Assert.DoesNotContain(noMqm.named_parameters(), p => p.name.StartsWith("attention.", StringComparison.Ordinal));
        Assert.IsType<LightweightSimilarityScorer>(noMqm.Scorer);
        Assert.IsType<CosineScorer>(noLss.Scorer);
        Assert.NotNull(noLss.MetaQuery);
        Assert.IsType<SimilarityMatrixScorer>(summax.Scorer);

        // w/o LSS scores like Two-Tower: γ·cos, so |logit| ≤ γ (5 before training).
        noLss.eval();
        using var noGrad = no_grad();
        Assert.All(Values(noLss.call(TinySchema.Batch())), l => Assert.InRange(l, -5.001f, 5.001f));
    }

    [Fact]
    public void CanServe_FitWithMqmAndLssOrTheDotProduct_AndTwoTower()
    {
        var servable = ModelOptions.PresetNames.Where(n => ArtifactExporter.CanServe(ModelOptions.Preset(n))).Order();
        Assert.Equal(["fit", "fit-cir", "fit-hard-query", "fit-no-lss", "fit-no-self-attention", "fit-soft-no-temperature", "two-tower"], servable);
        var error = Assert.Throws<ArgumentException>(() => ArtifactExporter.EnsureServable(ModelOptions.Preset("cold")));
        Assert.Contains("'cold' cannot be served", error.Message, StringComparison.Ordinal);
        Assert.Contains("fit, two-tower, fit-no-lss, fit-hard-query", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FitCir_AddsTheContrastiveLossScaledByItsWeight_FitHasNone()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        var schema = TinySchema.Create();
        var input = TinySchema.Batch();
        var labels = tensor(new float[] { 1, 0, 1 });
        float Auxiliary(ModelOptions options)
        {
            manual_seed(11);
            using var model = new FitModel(schema, Small(options));
            model.train();
            using var noGrad = no_grad();
            model.call(input);
            return model.AuxiliaryLoss(labels) is { } loss ? loss.item<float>() : float.NaN;
        }

        var cir = ModelOptions.Preset("fit-cir");
        Assert.Equal(ModelOptions.IntTowerContrastiveWeight, cir.ContrastiveWeight);
        Assert.Equal(0, ModelOptions.Preset("fit").ContrastiveWeight);
        Assert.Equal(ModelOptions.IntTowerContrastiveWeight, ModelOptions.Preset("inttower").ContrastiveWeight);
        var once = Auxiliary(cir);
        Assert.True(once > 0, $"fit-cir's contrastive loss should be positive, got {once}");
        Assert.Equal(3 * once, Auxiliary(cir with { ContrastiveWeight = 3 * cir.ContrastiveWeight }), 5);
        Assert.True(float.IsNaN(Auxiliary(ModelOptions.Preset("fit"))), "paper FIT must add no auxiliary loss");
    }

    [Fact]
    public void LinearTowerOutput_DropsTheLastBatchNormAndRelu_ServableWhenItCanFoldIntoTheHeads()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        var schema = TinySchema.Create();
        bool HasLastBatchNorm(ModelOptions options)
        {
            using var model = new FitModel(schema, Small(options));
            var names = model.named_parameters().Select(p => p.name).ToArray();
            Assert.Contains(names, n => n.StartsWith("user_tower.", StringComparison.Ordinal) && n.EndsWith("bn1.weight", StringComparison.Ordinal));
            return names.Any(n => n.EndsWith("user_tower.layers.bn2.weight", StringComparison.Ordinal))
                && names.Any(n => n.EndsWith("item_tower.layers.bn2.weight", StringComparison.Ordinal));
        }

        var fit = ModelOptions.Preset("fit");
        var linear = fit with { LinearTowerOutput = true };
        Assert.True(HasLastBatchNorm(fit)); // the paper's FC layers with ReLU, up to the last
        Assert.False(HasLastBatchNorm(linear));
        Assert.False(HasLastBatchNorm(ModelOptions.Preset("fit-no-lss"))); // the dot product's default is linear
        Assert.True(HasLastBatchNorm(ModelOptions.Preset("fit-no-lss") with { LinearTowerOutput = false }));
        Assert.True(ArtifactExporter.CanServe(ModelOptions.Preset("fit-no-lss")));
        Assert.False(ArtifactExporter.CanServe(ModelOptions.Preset("fit-no-lss") with { LinearTowerOutput = false })); // cosine of ReLU outputs: no serving graph
        Assert.True(ArtifactExporter.CanServe(fit with { LinearTowerOutput = false }));
        Assert.True(ArtifactExporter.CanServe(linear));
        Assert.False(ArtifactExporter.CanServe(linear with { TowerHidden = [128] })); // the branch layer itself would be linear
        Assert.Equal([300, 300], ModelFolding.ServedTowerHidden(linear));
        Assert.Equal([300, 300, 128], ModelFolding.ServedTowerHidden(fit));

        manual_seed(5);
        using var model = new FitModel(schema, Small(linear));
        model.train();
        var loss = nn.functional.binary_cross_entropy_with_logits(model.call(TinySchema.Batch()), tensor(new float[] { 1, 0, 1 }));
        loss.backward();
        Assert.True(float.IsFinite(loss.item<float>()));
    }

    private static ModelOptions Small(ModelOptions preset) => preset with
    {
        TowerHidden = [8, 8, 6],
        AttentionHidden = [6, 4],
        MetaSize = 4,
        HeadDim = 3,
        EmbeddingDim = 4,
        EmbeddingInitStd = 0.5,
    };
}
