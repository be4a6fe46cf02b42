using FitCluster.Model.Artifacts;
using FitCluster.Model.Scoring;

namespace FitCluster.Model.Tests.Scoring;

/// <summary>The ONNX scoring graph (item heads bound once in provider memory, I/O binding per request) against <see cref="LssScorer"/>, on the CPU provider.</summary>
public sealed class OnnxLssScorerTests
{
    private static readonly InferenceOptions Cpu = new() { ExecutionProvider = ExecutionProvider.Cpu };

    [Theory]
    [InlineData(2, 2, 64, 16, 5, 400, 300, false)] // the paper's FIT shape
    [InlineData(2, 2, 64, 16, 5, 400, 300, true)]  // float16 item table
    [InlineData(2, 3, 16, 5, 7, 650, 37, false)]   // H_u ≠ H_v, d odd
    [InlineData(3, 1, 8, 4, 2, 90, 90, true)]
    [InlineData(1, 4, 12, 3, 1, 10, 1, false)]     // one branch, one candidate
    [InlineData(4, 2, 32, 8, 64, 2_000, 2_000, false)]
    public void Score_MatchesLssScorer(int userHeads, int itemHeads, int headDim, int width, int metaSize, int items, int candidates, bool half)
    {
        var random = new Random((userHeads * 1000) + (itemHeads * 100) + candidates);
        var weights = LssScorerTests.RandomScorer(random, userHeads, itemHeads, headDim, width);
        var queryIndex = Enumerable.Range(0, items).Select(_ => (ushort)random.Next(metaSize)).ToArray();
        var heads = LssScorerTests.Values(random, items * itemHeads * headDim);
        var table = half
            ? ItemTable.FromSingleAsHalf(itemHeads, headDim, metaSize, queryIndex, heads)
            : ItemTable.FromSingle(itemHeads, headDim, metaSize, queryIndex, heads);
        var user = LssScorerTests.Values(random, metaSize * userHeads * headDim);
        var rows = Enumerable.Range(0, candidates).Select(_ => random.Next(items)).ToArray();
        var expected = new float[candidates];
        var actual = new float[candidates];

        weights.Score(user, table, rows, expected);
        using var onnx = new OnnxLssScorer(weights, table, Cpu);
        onnx.Score(user, table, rows, actual);

        Assert.Equal(ExecutionProvider.Cpu, onnx.Provider);
        Assert.Equal((long)items * ((itemHeads * headDim * (half ? 2 : 4)) + 8), onnx.DeviceBytes);
        for (var c = 0; c < candidates; c++)
        {
            Assert.True(Math.Abs(expected[c] - actual[c]) <= 1e-4 * Math.Max(1, Math.Abs(expected[c])), $"candidate {c} (row {rows[c]}): onnx {actual[c]}, LSS {expected[c]}");
        }
    }

    // N = 2, H_u = 1, H_v = 2, p = 1, d = 2, every weight different, so a transposed W_1, W_2 or w, or the wrong branch,
    // changes the result. Row 0 (query index 1, z_v = [3, −1]) against branch 1 (z_u = 2): S = [6, −2];
    // S′ = ReLU(W_1 S + b_1) = [6, ReLU(3 − 2 + 1) = 2]; S″ = ReLU(W_2 S′ + b_2) = [[6, 2], [ReLU(−6 + 5) = 0, ReLU(−2 + 5) = 3]];
    // score = 6·1 + 2·10 + 0·100 + 3·1000 = 3026 (branch 0 would give 3718, a transposed w 3206).
    // Row 1 (query index 0, z_v = [0, 4]) against branch 0 (z_u = 1): S = [0, 4]; S′ = [0, 5]; S″ = [[0, 5], [5, 0]]; score = 550.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Score_HandComputedAsymmetricCase(bool half)
    {
        var weights = new LssScorer(
            userHeads: 1, itemHeads: 2, headDim: 1, width: 2,
            rowWeight: [1f, 0f, 0.5f, 1f], rowBias: [0f, 1f], columnWeight: [1f, -1f], columnBias: [0f, 5f], projection: [1f, 10f, 100f, 1000f]);
        ushort[] queryIndex = [1, 0];
        float[] heads = [3f, -1f, 0f, 4f];
        var table = half ? ItemTable.FromSingleAsHalf(2, 1, 2, queryIndex, heads) : ItemTable.FromSingle(2, 1, 2, queryIndex, heads);
        float[] user = [1f, 2f];
        using var onnx = new OnnxLssScorer(weights, table, Cpu);
        var scores = new float[3];

        onnx.Score(user, table, [0, 1, 0], scores);

        Assert.Equal([3026f, 550f, 3026f], scores);
        var reference = new float[3];
        weights.Score(user, table, [0, 1, 0], reference);
        Assert.Equal(reference, scores);
    }

    [Fact]
    public void Score_IsThreadSafeOverOneDeviceTable()
    {
        var random = new Random(5);
        var weights = LssScorerTests.RandomScorer(random, 2, 2, 16, 4);
        var table = ItemTable.FromSingle(2, 16, 3, [.. Enumerable.Range(0, 500).Select(i => (ushort)(i % 3))], LssScorerTests.Values(random, 500 * 32));
        var user = LssScorerTests.Values(random, 3 * 32);
        var rows = Enumerable.Range(0, 500).Reverse().ToArray();
        var expected = new float[rows.Length];
        weights.Score(user, table, rows, expected);
        using var onnx = new OnnxLssScorer(weights, table, Cpu);

        Parallel.For(0, 16, _ =>
        {
            var scores = new float[rows.Length];
            onnx.Score(user, rows, scores);
            for (var c = 0; c < rows.Length; c++)
            {
                Assert.True(Math.Abs(expected[c] - scores[c]) <= 1e-4 * Math.Max(1, Math.Abs(expected[c])));
            }
        });
    }

    [Fact]
    public void Score_RefusesAnotherTableBadRowsAndShapes_AcceptsNoCandidates()
    {
        var random = new Random(9);
        var weights = LssScorerTests.RandomScorer(random, 2, 2, 4, 3);
        var table = ItemTable.FromSingle(2, 4, 2, [0, 1, 1], LssScorerTests.Values(random, 3 * 8));
        var other = ItemTable.FromSingle(2, 4, 2, [0, 1, 1], LssScorerTests.Values(random, 3 * 8));
        var user = LssScorerTests.Values(random, 2 * 8);
        using var onnx = new OnnxLssScorer(weights, table, Cpu);

        Assert.Throws<ArgumentException>(() => onnx.Score(user, other, [0], new float[1]));
        Assert.Throws<ArgumentException>(() => onnx.Score(user, table, [3], new float[1]));
        Assert.Throws<ArgumentException>(() => onnx.Score(user, table, [-1], new float[1]));
        Assert.ThrowsAny<ArgumentException>(() => onnx.Score(user.AsSpan(0, 8), [0], new float[1]));
        onnx.Score(user, table, [], []);
    }

    [Fact]
    public void Constructor_WithCudaOnThisGpuLessHost_FailsWithAClearMessage()
    {
        Assert.SkipWhen(ExecutionProviderProbe.Probe(new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda }) is null, "this host has a usable CUDA provider");
        var random = new Random(1);
        var weights = LssScorerTests.RandomScorer(random, 1, 1, 2, 2);
        var table = ItemTable.FromSingle(1, 2, 1, [0], LssScorerTests.Values(random, 2));

        var e = Assert.Throws<ArtifactException>(() => new OnnxLssScorer(weights, table, new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda }));

        Assert.Contains("CUDA execution provider", e.Message, StringComparison.Ordinal);
    }
}
