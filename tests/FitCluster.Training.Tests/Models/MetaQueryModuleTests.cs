using FitCluster.Training.Models;
using static TorchSharp.torch;
using static FitCluster.Training.Tests.Models.TorchTestHelpers;

namespace FitCluster.Training.Tests.Models;

public sealed class MetaQueryModuleTests
{
    // Q = [[1, 0], [1, 1]] → QQᵀ = [[1, 1], [1, 2]] → Q* = (QQᵀ)Q = [[2, 1], [3, 2]]
    private static MetaQueryModule Tiny(bool selfAttention = true)
    {
        var module = new MetaQueryModule(metaSize: 2, dim: 2, selfAttention);
        Set(module, "meta", [1, 0, 1, 1]);
        return module;
    }

    [Fact]
    public void QueryGroup_HandComputed_IsQQtQ()
    {
        using var module = Tiny();
        AssertClose([2, 1, 3, 2], module.QueryGroup());
    }

    [Fact]
    public void QueryGroup_WithoutSelfAttention_IsQ()
    {
        using var module = Tiny(selfAttention: false);
        AssertClose([1, 0, 1, 1], module.QueryGroup());
    }

    [Fact]
    public void SoftQuery_TemperatureOne_IsSoftmaxWeightedQueryGroup()
    {
        using var module = Tiny();
        var queryGroup = module.QueryGroup();
        var ec = tensor(new float[] { 1, 0 }).reshape(1, 2);
        var logits = MetaQueryModule.Logits(ec, queryGroup); // [2, 3]
        AssertClose([2, 3], logits);
        var k = MetaQueryModule.Similarity(logits, 1.0);
        var k0 = (float)(Math.Exp(2) / (Math.Exp(2) + Math.Exp(3)));
        AssertClose([k0, 1 - k0], k);
        AssertClose([(k0 * 2) + ((1 - k0) * 3), (k0 * 1) + ((1 - k0) * 2)], MetaQueryModule.SoftQuery(k, queryGroup));
    }

    [Fact]
    public void Similarity_LowTemperature_SharpensTowardsHardQuery()
    {
        using var module = Tiny();
        var queryGroup = module.QueryGroup();
        var logits = MetaQueryModule.Logits(tensor(new float[] { 1, 0 }).reshape(1, 2), queryGroup);
        var half = MetaQueryModule.Similarity(logits, 0.5);
        var k0 = (float)(Math.Exp(4) / (Math.Exp(4) + Math.Exp(6)));
        AssertClose([k0, 1 - k0], half);
        var cold = MetaQueryModule.Similarity(logits, 0.001);
        var soft = MetaQueryModule.SoftQuery(cold, queryGroup);
        var index = MetaQueryModule.QueryIndex(logits);
        Assert.Equal(1L, index.item<long>());
        var hard = MetaQueryModule.HardQuery(index, queryGroup);
        AssertClose([3, 2], hard);
        AssertClose([3, 2], soft, 1e-4);
        Assert.Equal(1.0, MetaQueryModule.QuerySimilarity(soft, hard).item<float>(), 5);
    }

    [Fact]
    public void QuerySimilarity_OrthogonalQueries_IsZero()
    {
        var qs = MetaQueryModule.QuerySimilarity(tensor(new float[] { 1, 0 }).reshape(1, 2), tensor(new float[] { 0, 3 }).reshape(1, 2));
        Assert.Equal(0f, qs.item<float>(), 6);
    }

    [Fact]
    public void Constructor_KaimingUniform_WithinBound()
    {
        manual_seed(1);
        using var module = new MetaQueryModule(metaSize: 64, dim: 32);
        var values = Values(module.Meta);
        var bound = Math.Sqrt(6.0 / 32); // kaiming_uniform_, a = 0, fan_in = D
        Assert.All(values, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.True(values.Max() > 0.8 * bound && values.Min() < -0.8 * bound, "Q should span the Kaiming-uniform range");
    }
}
