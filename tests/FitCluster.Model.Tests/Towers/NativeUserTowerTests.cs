using FitCluster.Model.Artifacts;
using FitCluster.Model.Towers;

namespace FitCluster.Model.Tests.Towers;

public sealed class NativeUserTowerTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(TestArtifact.SequenceLength)]
    public void FitCompute_MatchesScalarReference(int length)
    {
        using var temp = new TempDirectory();
        var tensors = TestArtifact.WriteFit(temp.Path, seed: 3);
        var dims = TestArtifact.FitDims();
        var artifact = ModelArtifact.Load(temp.Path);
        using var tower = NativeFitUserTower.FromTensors(artifact.Tensors, dims, artifact.Manifest.UserFields);
        int[] user = [2, 1];
        var behaviours = Enumerable.Range(0, length).Select(l => 1 + ((l * 7) % TestArtifact.ItemCount)).ToArray();
        var heads = new float[dims.MetaSize * dims.UserHeadSize];

        tower.Compute(user, behaviours, heads);

        var expected = ReferenceFit(tensors, dims, user, behaviours);
        for (var i = 0; i < heads.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - heads[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"head value {i}: {heads[i]} vs reference {expected[i]}");
        }
    }

    // 90 branches × 6 behaviours = 540 (branch, behaviour) rows: the attention's shared layers run in two blocks (85 and
    // 5 branches), Dice over blocks longer than its tiled 6 rows, and a last attention width of 16 takes the fused
    // output dot where the CPU has FMA.
    [Fact]
    public void FitCompute_ManyBranchesInSeveralAttentionBlocks_MatchesScalarReference()
    {
        using var temp = new TempDirectory();
        var tensors = TestArtifact.WriteFit(temp.Path, seed: 11, metaSize: 90, attention: (20, 16));
        var dims = TestArtifact.FitDims(90, (20, 16));
        var artifact = ModelArtifact.Load(temp.Path);
        using var tower = NativeFitUserTower.FromTensors(artifact.Tensors, dims, artifact.Manifest.UserFields);
        int[] user = [1, 2];
        int[] behaviours = [5, 38, 1, 17, 22, 9];
        var heads = new float[dims.MetaSize * dims.UserHeadSize];

        tower.Compute(user, behaviours, heads);

        var expected = ReferenceFit(tensors, dims, user, behaviours);
        for (var i = 0; i < heads.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - heads[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"head value {i}: {heads[i]} vs reference {expected[i]}");
        }

        // A range that starts inside the first block: the same rows as the whole computation.
        var part = new float[40 * dims.UserHeadSize];
        tower.ComputeBranches(user, behaviours, 50, part);
        Assert.Equal(heads.AsSpan(50 * dims.UserHeadSize, part.Length).ToArray(), part);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 2)]
    public void FitComputeBranches_EqualsTheSameRowsOfCompute(int firstBranch, int count)
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path, seed: 5);
        var artifact = ModelArtifact.Load(temp.Path);
        using var tower = NativeFitUserTower.FromTensors(artifact.Tensors, artifact.Manifest.Dims, artifact.Manifest.UserFields);
        int[] user = [1, 2];
        int[] behaviours = [3, 1, 4, 1, 5];
        var all = new float[tower.BranchCount * tower.HeadSize];
        tower.Compute(user, behaviours, all);
        Assert.True(tower.ComputesBranchRanges);
        Assert.InRange(firstBranch + count, 1, tower.BranchCount);

        var range = new float[count * tower.HeadSize];
        tower.ComputeBranches(user, behaviours, firstBranch, range);

        var expected = all.AsSpan(firstBranch * tower.HeadSize, range.Length).ToArray();
        for (var i = 0; i < range.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - range[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected[i])), $"value {i}: {range[i]} vs {expected[i]}");
        }
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(4, 1)]
    public void FitComputeBranches_WithItemQueryIndex_ComputesOnlyUsedBranchesAndZeroesTheRest(int firstBranch, int count)
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path, seed: 7);
        var artifact = ModelArtifact.Load(temp.Path);
        var (tensors, dims, fields) = (artifact.Tensors, artifact.Manifest.Dims, artifact.Manifest.UserFields);
        using var full = NativeFitUserTower.FromTensors(tensors, dims, fields);
        ushort[] itemQueryIndex = [3, 0, 3, 3, 0]; // branches 1, 2 and 4 are nobody's hard query
        using var pruned = NativeFitUserTower.FromTensors(tensors, dims, fields, itemQueryIndex);
        Assert.Equal(5, dims.MetaSize);
        Assert.Equal(5, full.LiveBranchCount);
        Assert.Equal(2, pruned.LiveBranchCount);
        int[] user = [2, 1];
        int[] behaviours = [3, 1, 4, 1, 5];
        var expected = new float[full.BranchCount * full.HeadSize];
        full.Compute(user, behaviours, expected);
        var range = Enumerable.Repeat(float.NaN, count * full.HeadSize).ToArray(); // stale values must not survive

        pruned.ComputeBranches(user, behaviours, firstBranch, range);

        for (var r = 0; r < count; r++)
        {
            var branch = firstBranch + r;
            var live = branch is 0 or 3;
            for (var i = 0; i < full.HeadSize; i++)
            {
                var value = range[(r * full.HeadSize) + i];
                var want = live ? expected[(branch * full.HeadSize) + i] : 0f;
                Assert.True(Math.Abs(want - value) <= 1e-5f * Math.Max(1, Math.Abs(want)), $"branch {branch} value {i}: {value} vs {want}");
            }
        }
    }

    [Theory]
    [InlineData(new ushort[] { 3, 0, 3 }, 2, new[] { 0, 1, 5 })]
    [InlineData(new ushort[] { 4, 4 }, 2, new[] { 0, 4, 5 })]
    [InlineData(new ushort[] { 1, 2, 3, 4 }, 2, new[] { 0, 3, 5 })]
    [InlineData(new ushort[] { 0 }, 5, new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData(new ushort[] { }, 2, new[] { 0, 2, 5 })]
    public void FitSplitBranches_GivesEachRangeAnEqualShareOfLiveBranches(ushort[] itemQueryIndex, int parts, int[] expected)
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var artifact = ModelArtifact.Load(temp.Path);
        IUserTower tower = NativeFitUserTower.FromTensors(artifact.Tensors, artifact.Manifest.Dims, artifact.Manifest.UserFields, itemQueryIndex);
        using var disposable = tower;

        Assert.Equal(expected, tower.SplitBranches(parts));
        for (var k = 1; k <= tower.BranchCount; k++)
        {
            var bounds = tower.SplitBranches(k);
            Assert.Equal(0, bounds[0]);
            Assert.Equal(tower.BranchCount, bounds[^1]);
            Assert.All(Enumerable.Range(0, k), p => Assert.True(bounds[p + 1] > bounds[p], $"{k} parts: empty range {p}"));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => tower.SplitBranches(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => tower.SplitBranches(tower.BranchCount + 1));
    }

    [Fact]
    public void FitFromTensors_QueryIndexOutsideTheTower_ThrowsArtifactException()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var artifact = ModelArtifact.Load(temp.Path);
        var n = artifact.Manifest.Dims.MetaSize;

        var error = Assert.Throws<ArtifactException>(() =>
            NativeFitUserTower.FromTensors(artifact.Tensors, artifact.Manifest.Dims, artifact.Manifest.UserFields, [0, (ushort)n]));

        Assert.Contains($"query index {n} is outside", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeBranches_RangeOutsideTower_ThrowsNamingIt()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var artifact = ModelArtifact.Load(temp.Path);
        using var tower = NativeFitUserTower.FromTensors(artifact.Tensors, artifact.Manifest.Dims, artifact.Manifest.UserFields);
        var n = tower.BranchCount;

        var outside = Assert.Throws<ArgumentException>(() => tower.ComputeBranches([1, 1], [1], n - 1, new float[2 * tower.HeadSize]));
        Assert.Contains($"outside the tower's 0..{n - 1}", outside.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => tower.ComputeBranches([1, 1], [1], -1, new float[tower.HeadSize]));
        Assert.Throws<ArgumentException>(() => tower.ComputeBranches([1, 1], [1], 0, new float[tower.HeadSize + 1]));
        Assert.Throws<ArgumentException>(() => tower.ComputeBranches([1, 1], [1], 0, []));
    }

    [Fact]
    public void TwoTowerComputeBranches_DefaultCopiesTheOnlyBranch()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteTwoTower(temp.Path);
        var artifact = ModelArtifact.Load(temp.Path);
        IUserTower tower = NativeTwoTowerUserTower.FromTensors(artifact.Tensors, artifact.Manifest.Dims, artifact.Manifest.UserFields);
        using var disposable = tower;
        var all = new float[tower.HeadSize];
        var range = new float[tower.HeadSize];
        tower.Compute([3, 2], [5, 9], all);

        tower.ComputeBranches([3, 2], [5, 9], 0, range);

        Assert.False(tower.ComputesBranchRanges);
        Assert.Equal(all, range);
        Assert.Equal([0, 1], tower.SplitBranches(1));
        Assert.Throws<ArgumentException>(() => tower.ComputeBranches([3, 2], [5, 9], 1, range));
    }

    [Fact]
    public void FitCompute_TooManyBehaviours_Throws()
    {
        using var temp = new TempDirectory();
        TestArtifact.WriteFit(temp.Path);
        var artifact = ModelArtifact.Load(temp.Path);
        using var tower = NativeFitUserTower.FromTensors(artifact.Tensors, artifact.Manifest.Dims, artifact.Manifest.UserFields);
        var heads = new float[tower.BranchCount * tower.HeadSize];

        Assert.Throws<ArgumentException>(() => tower.Compute([1, 1], new int[TestArtifact.SequenceLength + 1], heads));
        Assert.Throws<ArgumentException>(() => tower.Compute([1, 1], [TestArtifact.ItemCount + 1], heads));
        Assert.Throws<ArgumentException>(() => tower.Compute([9, 1], [1], heads));
    }

    [Fact]
    public void TwoTowerCompute_IsScaledUnitVectorOfReference()
    {
        using var temp = new TempDirectory();
        var tensors = TestArtifact.WriteTwoTower(temp.Path);
        var artifact = ModelArtifact.Load(temp.Path);
        using var tower = NativeTwoTowerUserTower.FromTensors(artifact.Tensors, artifact.Manifest.Dims, artifact.Manifest.UserFields);
        int[] user = [3, 2];
        int[] behaviours = [5, 9, 11];
        var heads = new float[tower.HeadSize];

        tower.Compute(user, behaviours, heads);

        // Reference: [u || mean(e_c)] → fc0 + ReLU → fc1, normalised, × γ.
        var e = TestArtifact.EmbeddingDim;
        var x = new List<double>();
        x.AddRange(tensors["user.embedding.user_id"].Values.Skip(3 * e).Take(e).Select(v => (double)v));
        x.AddRange(tensors["user.embedding.gender"].Values.Skip(2 * e).Take(e).Select(v => (double)v));
        var attributes = tensors["item.attributes"].Values;
        for (var k = 0; k < 8; k++)
        {
            x.Add(behaviours.Average(b => (double)attributes[(b * 8) + k]));
        }

        var h0 = Dense(x.ToArray(), tensors["user_tower.fc0.weight"].Values, tensors["user_tower.fc0.bias"].Values, relu: true);
        var h1 = Dense(h0, tensors["user_tower.fc1.weight"].Values, tensors["user_tower.fc1.bias"].Values, relu: false);
        var norm = Math.Sqrt(h1.Sum(v => v * v));
        for (var i = 0; i < h1.Length; i++)
        {
            Assert.Equal(4.5 * h1[i] / norm, heads[i], 1e-4);
        }
    }

    internal static double[] ReferenceFit(IReadOnlyDictionary<string, NamedTensor> t, ModelDims dims, int[] user, int[] behaviours)
    {
        var e = TestArtifact.EmbeddingDim;
        var d = dims.ItemAttributeDim;
        var u = new List<double>();
        u.AddRange(t["user.embedding.user_id"].Values.Skip(user[0] * e).Take(e).Select(v => (double)v));
        u.AddRange(t["user.embedding.gender"].Values.Skip(user[1] * e).Take(e).Select(v => (double)v));
        var attributes = t["item.attributes"].Values;
        var keys = behaviours.Select(b => attributes.Skip(b * d).Take(d).Select(v => (double)v).ToArray()).ToArray();
        var result = new List<double>();
        for (var b = 0; b < dims.MetaSize; b++)
        {
            var pooled = new double[d];
            foreach (var key in keys)
            {
                var width = dims.AttentionHidden[0];
                var a0 = new double[width];
                for (var h = 0; h < width; h++)
                {
                    a0[h] = t["attention.fc0.bias"].Values[(b * width) + h];
                    for (var k = 0; k < d; k++)
                    {
                        a0[h] += key[k] * t["attention.fc0.weight"].Values[(((b * d) + k) * width) + h];
                    }
                }

                a0 = Dice(a0, t, "attention.dice0");
                var a1 = Dice(Dense(a0, t["attention.fc1.weight"].Values, t["attention.fc1.bias"].Values, relu: false), t, "attention.dice1");
                var w = t["attention.output.bias"].Values[0] + a1.Select((v, j) => v * t["attention.output.weight"].Values[j]).Sum();
                for (var k = 0; k < d; k++)
                {
                    pooled[k] += w * key[k];
                }
            }

            var h0 = new double[12];
            for (var o = 0; o < 12; o++)
            {
                h0[o] = t["user_tower.fc0.branch_bias"].Values[(b * 12) + o];
                for (var i = 0; i < u.Count; i++)
                {
                    h0[o] += u[i] * t["user_tower.fc0.user_weight"].Values[(i * 12) + o];
                }

                for (var k = 0; k < d; k++)
                {
                    h0[o] += pooled[k] * t["user_tower.fc0.pooled_weight"].Values[(k * 12) + o];
                }

                h0[o] = Math.Max(h0[o], 0);
            }

            var h1 = Dense(h0, t["user_tower.fc1.weight"].Values, t["user_tower.fc1.bias"].Values, relu: true);
            result.AddRange(Dense(h1, t["user_heads.weight"].Values, t["user_heads.bias"].Values, relu: false));
        }

        return [.. result];
    }

    private static double[] Dice(double[] x, IReadOnlyDictionary<string, NamedTensor> t, string prefix)
    {
        var y = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var p = 1 / (1 + Math.Exp(-((x[i] * t[$"{prefix}.scale"].Values[i]) + t[$"{prefix}.shift"].Values[i])));
            var alpha = t[$"{prefix}.alpha"].Values[i];
            y[i] = x[i] * ((p * (1 - alpha)) + alpha);
        }

        return y;
    }

    private static double[] Dense(double[] x, float[] weight, float[] bias, bool relu)
    {
        var y = new double[bias.Length];
        for (var o = 0; o < y.Length; o++)
        {
            y[o] = bias[o];
            for (var i = 0; i < x.Length; i++)
            {
                y[o] += x[i] * weight[(i * y.Length) + o];
            }

            y[o] = relu ? Math.Max(y[o], 0) : y[o];
        }

        return y;
    }
}
