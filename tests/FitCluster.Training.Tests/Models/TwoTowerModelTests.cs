using FitCluster.Training.Models;
using FitCluster.Training.Runs;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class TwoTowerModelTests
{
    [Fact]
    public void Forward_IsDotOfUnitRepresentations()
    {
        using var gcPause = GcPause.Begin(); // no collection mid-call: TorchSharp's temporaries would be finalized under libtorch (dotnet/TorchSharp#1434)
        manual_seed(2);
        using var model = new TwoTowerModel(TinySchema.Create(), ModelOptions.Preset("two-tower") with { TowerHidden = [8, 6], EmbeddingDim = 4 });
        model.eval();
        using var noGrad = no_grad();
        var input = TinySchema.Batch();
        var user = model.UserRepresentation(input);
        var item = model.ItemRepresentation(input.Item);
        AssertClose([1, 1, 1], user.norm(1), 1e-5); // FIT, eq. 2
        AssertClose([1, 1, 1], item.norm(1), 1e-5);
        Assert.Equal(5f, model.Scale.item<float>(), 4); // γ starts at TwoTowerInitialScale
        AssertClose(Values((user * item).sum(1) * 5f), model.call(input), 1e-5); // γ · h_uᵀh_v (FIT, eq. 3; DSSM's γ)
        Assert.All(Values(model.call(input)), s => Assert.InRange(s, -5.001f, 5.001f));
    }
}
