using FitCluster.Training.Models;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class TwoTowerModelTests
{
    [Fact]
    public void Forward_IsDotOfUnitRepresentations()
    {
        manual_seed(2);
        using var model = new TwoTowerModel(TinySchema.Create(), ModelOptions.Preset("two-tower") with { TowerHidden = [8, 6], EmbeddingDim = 4 });
        model.eval();
        using var noGrad = no_grad();
        var input = TinySchema.Batch();
        var user = model.UserRepresentation(input);
        var item = model.ItemRepresentation(input.Item);
        AssertClose([1, 1, 1], user.norm(1), 1e-5); // FIT, eq. 2
        AssertClose([1, 1, 1], item.norm(1), 1e-5);
        AssertClose(Values((user * item).sum(1)), model.call(input), 1e-6); // FIT, eq. 3
        Assert.All(Values(model.call(input)), s => Assert.InRange(s, -1.0001f, 1.0001f));
    }
}
