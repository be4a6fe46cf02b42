using FitCluster.Model.Artifacts;
using FitCluster.Model.Scoring;

namespace FitCluster.Model.Tests.Scoring;

public sealed class LssScorerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(LssScorer.ChunkSize)]
    [InlineData(LssScorer.ChunkSize + 1)]
    [InlineData(600)]
    public void Score_MatchesReferenceOnEveryCandidate(int candidates)
    {
        var random = new Random(candidates);
        var scorer = RandomScorer(random, userHeads: 2, itemHeads: 3, headDim: 16, width: 5);
        const int n = 7;
        var table = RandomTable(random, count: 650, itemHeads: 3, headDim: 16, metaSize: n);
        var user = Values(random, n * 2 * 16);
        var rows = Enumerable.Range(0, candidates).Select(_ => random.Next(table.Count)).ToArray();
        var scores = new float[candidates];

        scorer.Score(user, table, rows, scores);

        for (var c = 0; c < candidates; c++)
        {
            var row = rows[c];
            var branch = user.AsSpan(table.QueryIndex[row] * 32, 32);
            var expected = scorer.ScoreReference(branch, table.SingleHeads.Slice(row * 48, 48));
            Assert.True(Math.Abs(expected - scores[c]) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"candidate {c}: {scores[c]} vs {expected}");
        }
    }

    // H_u = 3 takes the fused kernel's general loop (H_u = 2 has its own); H_v = 2 ≠ H_u and d = 7 catch a swapped index.
    [Fact]
    public void Score_ThreeUserHeads_MatchesReference()
    {
        var random = new Random(5);
        var scorer = RandomScorer(random, userHeads: 3, itemHeads: 2, headDim: 16, width: 7);
        var table = RandomTable(random, count: 90, itemHeads: 2, headDim: 16, metaSize: 4);
        var user = Values(random, 4 * 3 * 16);
        var rows = Enumerable.Range(0, 53).Select(_ => random.Next(table.Count)).ToArray();
        var scores = new float[rows.Length];

        scorer.Score(user, table, rows, scores);

        for (var c = 0; c < rows.Length; c++)
        {
            var row = rows[c];
            var expected = scorer.ScoreReference(user.AsSpan(table.QueryIndex[row] * 48, 48), table.SingleHeads.Slice(row * 32, 32));
            Assert.True(Math.Abs(expected - scores[c]) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"candidate {c}: {scores[c]} vs {expected}");
        }
    }

    [Theory]
    [InlineData(8)]  // one vector of the fused dot, no pair
    [InlineData(24)] // a pair of vectors and a single one
    [InlineData(12)] // not a multiple of 8: the TensorPrimitives dot
    public void Score_EveryHeadDim_MatchesReference(int headDim)
    {
        var random = new Random(headDim);
        var scorer = RandomScorer(random, userHeads: 2, itemHeads: 2, headDim, width: 3);
        var table = RandomTable(random, count: 90, itemHeads: 2, headDim, metaSize: 3);
        var user = Values(random, 3 * 2 * headDim);
        var rows = Enumerable.Range(0, 70).Select(_ => random.Next(table.Count)).ToArray();
        var scores = new float[rows.Length];

        scorer.Score(user, table, rows, scores);

        for (var c = 0; c < rows.Length; c++)
        {
            var row = rows[c];
            var expected = scorer.ScoreReference(user.AsSpan(table.QueryIndex[row] * 2 * headDim, 2 * headDim), table.SingleHeads.Slice(row * 2 * headDim, 2 * headDim));
            Assert.True(Math.Abs(expected - scores[c]) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"p = {headDim}, candidate {c}: {scores[c]} vs {expected}");
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(300)]
    public void Score_PortableAndFusedKernels_Agree(int candidates)
    {
        var random = new Random(candidates + 100);
        float[][] w = [Values(random, 32), Values(random, 16), Values(random, 32), Values(random, 16), Values(random, 256)];
        var fused = new LssScorer(2, 2, 64, 16, w[0], w[1], w[2], w[3], w[4]);
        var portable = new LssScorer(2, 2, 64, 16, w[0], w[1], w[2], w[3], w[4]) { UseFusedKernel = false };
        var table = RandomTable(random, 400, 2, 64, 5);
        var user = Values(random, 5 * 128);
        var rows = Enumerable.Range(0, candidates).Select(_ => random.Next(400)).ToArray();
        var a = new float[candidates];
        var b = new float[candidates];

        fused.Score(user, table, rows, a);
        portable.Score(user, table, rows, b);

        for (var c = 0; c < candidates; c++)
        {
            Assert.True(Math.Abs(a[c] - b[c]) <= 1e-4 * Math.Max(1, Math.Abs(a[c])), $"candidate {c}: fused {a[c]}, portable {b[c]}");
        }
    }

    [Fact]
    public void ScoreReference_HandComputedOneByOne()
    {
        // H_u = H_v = 1, p = 2, d = 1: S = z_u·z_v = 1·3 + 2·4 = 11; S′ = ReLU(2·11 − 1) = 21; S″ = ReLU(0.5·21 + 1) = 11.5; p = 3·11.5.
        var scorer = new LssScorer(1, 1, 2, 1, [2f], [-1f], [0.5f], [1f], [3f]);
        Assert.Equal(34.5f, scorer.ScoreReference([1f, 2f], [3f, 4f]), 5);
        var table = ItemTable.FromSingle(1, 2, 1, [0], [3f, 4f]);
        var scores = new float[1];
        scorer.Score([1f, 2f], table, [0], scores);
        Assert.Equal(34.5f, scores[0], 4);
    }

    [Fact]
    public void Score_HalfTable_CloseToSingle()
    {
        var random = new Random(5);
        var scorer = RandomScorer(random, 2, 2, 64, 16);
        var heads = Values(random, 300 * 128);
        var queryIndex = Enumerable.Range(0, 300).Select(i => (ushort)(i % 4)).ToArray();
        var single = ItemTable.FromSingle(2, 64, 4, queryIndex, heads);
        var half = ItemTable.FromSingleAsHalf(2, 64, 4, queryIndex, heads);
        var user = Values(random, 4 * 128);
        var rows = Enumerable.Range(0, 300).ToArray();
        var a = new float[300];
        var b = new float[300];

        scorer.Score(user, single, rows, a);
        scorer.Score(user, half, rows, b);

        Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) < 0.05);
    }

    [Fact]
    public void Score_WrongUserHeadLength_Throws()
    {
        var random = new Random(1);
        var scorer = RandomScorer(random, 2, 2, 4, 3);
        var table = RandomTable(random, 5, 2, 4, 3);
        Assert.Throws<ArgumentException>(() => scorer.Score(new float[7], table, [0], new float[1]));
        Assert.Throws<ArgumentException>(() => scorer.Score(new float[24], table, [0, 1], new float[1]));
    }

    [Fact]
    public void DotScorer_IsDotProduct()
    {
        var table = ItemTable.FromSingle(1, 3, 1, [0, 0], [1f, 2f, 3f, -1f, 0f, 1f]);
        var scores = new float[2];
        new DotScorer().Score([2f, 1f, 0.5f], table, [1, 0], scores);
        Assert.Equal([-1.5f, 5.5f], scores);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DotScorer_WithBranches_ScoresEachItemAgainstItsQueryIndexBranch(bool half)
    {
        // fit-no-lss: 3 branches of one 2-wide head; items 0, 1, 2 carry query indices 2, 0, 2.
        float[] heads = [1f, 2f, 3f, 4f, 0.5f, 0.5f, 2f, -1f, 0f, 0f];
        ushort[] queryIndex = [2, 0, 2];
        var table = half
            ? ItemTable.FromSingleAsHalf(1, 2, 3, queryIndex, heads[..6])
            : ItemTable.FromSingle(1, 2, 3, queryIndex, heads[..6]);
        float[] branches = [10f, 0f, 0f, 10f, 1f, -1f]; // [N = 3, H_u = 1, p = 2]
        var scores = new float[3];
        new DotScorer().Score(branches, table, [0, 1, 2], scores);
        Assert.Equal([1f * 1 - 2f, 3f * 10, 0.5f - 0.5f], scores); // branch 2, branch 0, branch 2

        Assert.Throws<ArgumentException>(() => new DotScorer().Score(branches.AsSpan(0, 2), table, [0], new float[1])); // one branch for a 3-branch table
    }

    internal static LssScorer RandomScorer(Random random, int userHeads, int itemHeads, int headDim, int width) => new(
        userHeads, itemHeads, headDim, width,
        Values(random, width * itemHeads), Values(random, width), Values(random, width * userHeads), Values(random, width), Values(random, width * width));

    private static ItemTable RandomTable(Random random, int count, int itemHeads, int headDim, int metaSize)
    {
        var queryIndex = Enumerable.Range(0, count).Select(_ => (ushort)random.Next(metaSize)).ToArray();
        return ItemTable.FromSingle(itemHeads, headDim, metaSize, queryIndex, Values(random, count * itemHeads * headDim));
    }

    internal static float[] Values(Random random, int count) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
}
