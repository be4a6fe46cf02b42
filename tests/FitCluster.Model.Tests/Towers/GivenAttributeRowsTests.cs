using FitCluster.Model.Artifacts;
using FitCluster.Model.Towers;

namespace FitCluster.Model.Tests.Towers;

/// <summary>User towers take the behaviours' attribute rows from their shards (branch attr-rows).</summary>
public sealed class GivenAttributeRowsTests
{
    [Fact]
    public void FitTower_RowsGiven_MatchesTheReference_AndTheWholeTensorIsReadOnlyWhenNoneAreGiven()
    {
        using var temp = new TempDirectory();
        var tensors = TestArtifact.WriteFit(temp.Path, seed: 3);
        var dims = TestArtifact.FitDims();
        var artifact = ModelArtifact.Load(temp.Path, verifyChecksums: true, requireSeal: true, shardAttributes: true);
        var reads = 0;
        using var tower = NativeFitUserTower.FromTensors(
            artifact.Tensors, dims, artifact.Manifest.UserFields, default,
            () => { reads++; return artifact.ReadDeferredTensor(ModelArtifact.AttributesTensor); });
        int[] user = [2, 1];
        int[] behaviours = [3, 1, 4, 1, 5];
        var table = tensors[ModelArtifact.AttributesTensor].Values;
        var d = dims.ItemAttributeDim;
        var rows = behaviours.SelectMany(b => table.AsSpan(b * d, d).ToArray()).ToArray();
        var expected = NativeUserTowerTests.ReferenceFit(tensors, dims, user, behaviours);
        var heads = new float[dims.MetaSize * dims.UserHeadSize];

        tower.ComputeBranches(user, behaviours, rows, 0, heads);
        AssertClose(expected, heads);
        Assert.Equal(0, reads); // the rows came with the request: the tensor stayed on disk

        Array.Clear(heads);
        tower.Compute(user, behaviours, heads); // an older caller without rows: the tensor is read once, then kept
        tower.Compute(user, behaviours, heads);
        AssertClose(expected, heads);
        Assert.Equal(1, reads);

        var other = rows.Select(v => -v).ToArray(); // the given rows are what the tower uses, not the table's
        tower.ComputeBranches(user, behaviours, other, 0, heads);
        Assert.NotEqual(expected.Select(v => (float)v), heads);
        Assert.ThrowsAny<ArgumentException>(() => tower.ComputeBranches(user, behaviours, rows.AsSpan(1).ToArray(), 0, heads));
    }

    [Fact]
    public void TwoTower_RowsGivenEqualTheTableLookups()
    {
        using var temp = new TempDirectory();
        var tensors = TestArtifact.WriteTwoTower(temp.Path);
        var artifact = ModelArtifact.Load(temp.Path, verifyChecksums: true, requireSeal: true, shardAttributes: true);
        var plain = ModelArtifact.Load(temp.Path);
        using var viaRows = NativeTwoTowerUserTower.FromTensors(artifact.Tensors, artifact.Manifest.Dims, artifact.Manifest.UserFields, () => throw new InvalidOperationException("read"));
        using var viaTable = NativeTwoTowerUserTower.FromTensors(plain.Tensors, plain.Manifest.Dims, plain.Manifest.UserFields);
        int[] user = [1, 2];
        int[] behaviours = [2, 4, 2];
        var d = artifact.Manifest.Dims.ItemAttributeDim;
        var table = tensors[ModelArtifact.AttributesTensor].Values;
        var rows = behaviours.SelectMany(b => table.AsSpan(b * d, d).ToArray()).ToArray();
        var a = new float[viaRows.HeadSize];
        var b = new float[viaTable.HeadSize];

        viaRows.ComputeBranches(user, behaviours, rows, 0, a);
        viaTable.Compute(user, behaviours, b);

        Assert.Equal(b, a);
        Assert.Throws<InvalidOperationException>(() => viaRows.Compute(user, behaviours, a)); // no rows: it had to read the tensor
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"head value {i}: {actual[i]} vs reference {expected[i]}");
        }
    }
}
