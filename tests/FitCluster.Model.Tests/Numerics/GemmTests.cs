using FitCluster.Model.Numerics;

namespace FitCluster.Model.Tests.Numerics;

public sealed class GemmTests
{
    /// <summary>
    /// The serving shapes (rows, inner, columns), then awkward ones: every row tail (rows mod 6) and column tail
    /// (columns mod 16), one row block (b read in place) and many (b packed), several packed strips and depth blocks;
    /// for the AVX-512 path also whole 32-column panels with and without an AVX2 remainder, in place and packed, and
    /// depth over two packed blocks (600 = 2 × 300) with odd and even block depths, a small b read in place with and
    /// without a tail, a deep single row block whose tail goes to the AVX2 kernel, and 16-column panels (one vector per
    /// row) in place, after 32-column panels, with a remainder, and too large to read in place.
    /// </summary>
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 50, 32, 4096 },
        { 3200, 64, 16 },
        { 64, 300, 300 },
        { 64, 300, 128 },
        { 64, 128, 128 },
        { 1, 80, 300 },
        { 64, 32, 300 },
        { 1, 1, 1 },
        { 3, 5, 7 },
        { 7, 33, 13 },
        { 2, 3, 9 },
        { 5, 4, 17 },
        { 4, 7, 31 },
        { 1, 17, 9 },
        { 5, 31, 17 },
        { 6, 2, 8 },
        { 11, 1, 33 },
        { 13, 9, 24 },
        { 7, 513, 19 },
        { 8, 257, 16 },
        { 9, 9, 1000 },
        { 7, 64, 1033 },
        { 12, 300, 4097 },
        { 6, 40, 32 },
        { 7, 40, 64 },
        { 3, 600, 96 },
        { 25, 600, 45 },
        { 64, 16, 300 },
        { 5, 300, 40 },
        { 50, 32, 64 },
        { 13, 100, 40 },
        { 7, 64, 48 },
        { 5, 40, 16 },
        { 13, 20, 23 },
        { 20, 300, 16 },
        { 29, 64, 16 },
        { 9, 50, 16 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAdd_Shape_MatchesReference(int rows, int inner, int columns)
    {
        var random = new Random(1234 + (rows * 31) + (inner * 7) + columns);
        var a = RandomArray(random, rows * inner);
        var b = RandomArray(random, inner * columns);
        var expected = new float[rows * columns];
        var actual = new float[rows * columns];
        var magnitude = Magnitude(a, rows, inner, b, columns, expected);

        Gemm.MultiplyAddReference(a, rows, inner, b, columns, expected);
        Gemm.MultiplyAdd(a, rows, inner, b, columns, actual);

        AssertClose(expected, actual, magnitude);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAdd_NonZeroC_AccumulatesIntoC(int rows, int inner, int columns)
    {
        var random = new Random(99 + rows + inner + columns);
        var a = RandomArray(random, rows * inner);
        var b = RandomArray(random, inner * columns);
        var expected = RandomArray(random, rows * columns);
        var actual = (float[])expected.Clone();
        var magnitude = Magnitude(a, rows, inner, b, columns, expected);

        Gemm.MultiplyAddReference(a, rows, inner, b, columns, expected);
        Gemm.MultiplyAdd(a, rows, inner, b, columns, actual);

        AssertClose(expected, actual, magnitude);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAddAvx512_Shape_MatchesReferenceAndGivesTheAvx2PathsBits(int rows, int inner, int columns)
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported || !System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            Assert.Skip("This machine lacks AVX-512F (or FMA): the AVX-512 path cannot run here.");
        }

        var random = new Random(77 + (rows * 13) + (inner * 5) + columns);
        var a = RandomArray(random, rows * inner);
        var b = RandomArray(random, inner * columns);
        var c = RandomArray(random, rows * columns); // c is accumulated into: its add must come where the AVX2 kernel adds it
        var expected = (float[])c.Clone();
        var avx2 = (float[])c.Clone();
        var avx512 = (float[])c.Clone();
        var magnitude = Magnitude(a, rows, inner, b, columns, c);

        Gemm.MultiplyAddReference(a, rows, inner, b, columns, expected);
        Gemm.MultiplyAddFma(a, rows, inner, b, columns, avx2);
        Gemm.MultiplyAddAvx512(a, rows, inner, b, columns, avx512);

        AssertClose(expected, avx512, magnitude);
        for (var i = 0; i < avx2.Length; i++)
        {
            // Same bits: a model scores the same on machines with and without AVX-512.
            Assert.True(BitConverter.SingleToInt32Bits(avx2[i]) == BitConverter.SingleToInt32Bits(avx512[i]), $"element {i} (row {i / columns}, column {i % columns}): AVX2 {avx2[i]:R}, AVX-512 {avx512[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAddPortable_Shape_MatchesReference(int rows, int inner, int columns)
    {
        var random = new Random(5 + rows + inner + columns);
        var a = RandomArray(random, rows * inner);
        var b = RandomArray(random, inner * columns);
        var expected = RandomArray(random, rows * columns);
        var actual = (float[])expected.Clone();
        var magnitude = Magnitude(a, rows, inner, b, columns, expected);

        Gemm.MultiplyAddReference(a, rows, inner, b, columns, expected);
        Gemm.MultiplyAddPortable(a, rows, inner, b, columns, actual);

        AssertClose(expected, actual, magnitude);
    }

    [Theory]
    [InlineData(5, 7, 13)]
    [InlineData(13, 7, 21)]
    [InlineData(8, 3, 4)]
    public void MultiplyAdd_SliceOfLargerBuffer_WritesOnlyC(int rows, int inner, int columns)
    {
        // The masked column tail must neither read nor write outside the spans: guard values around c survive.
        const float Guard = 123f;
        var random = new Random(42);
        var a = RandomArray(random, rows * inner);
        var b = RandomArray(random, inner * columns);
        var buffer = new float[(rows * columns) + 32];
        Array.Fill(buffer, Guard);
        var c = buffer.AsSpan(16, rows * columns);
        c.Clear();
        var expected = new float[rows * columns];
        var magnitude = Magnitude(a, rows, inner, b, columns, expected);

        Gemm.MultiplyAddReference(a, rows, inner, b, columns, expected);
        Gemm.MultiplyAdd(a, rows, inner, b, columns, c);

        AssertClose(expected, c.ToArray(), magnitude);
        Assert.All(buffer[..16], value => Assert.Equal(Guard, value));
        Assert.All(buffer[(16 + (rows * columns))..], value => Assert.Equal(Guard, value));
    }

    [Fact]
    public void MultiplyAdd_ZeroInner_LeavesCUnchanged()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };

        Gemm.MultiplyAdd([], 2, 0, [], 3, c);

        Assert.Equal([1, 2, 3, 4, 5, 6], c);
    }

    [Theory]
    [InlineData(2, 3, 4, 5, 12, 8)] // a too short
    [InlineData(2, 3, 4, 6, 11, 8)] // b too short
    [InlineData(2, 3, 4, 6, 12, 9)] // c too long
    [InlineData(-1, 3, 4, 0, 12, 0)] // negative rows
    public void MultiplyAdd_ShapeMismatch_Throws(int rows, int inner, int columns, int aLength, int bLength, int cLength)
    {
        var a = new float[aLength];
        var b = new float[bLength];
        var c = new float[cLength];

        var fast = Assert.Throws<ArgumentException>(() => Gemm.MultiplyAdd(a, rows, inner, b, columns, c));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyAddReference(a, rows, inner, b, columns, c));
        Assert.Contains($"[{rows}, {inner}]", fast.Message, StringComparison.Ordinal);
    }

    private static float[] Magnitude(float[] a, int rows, int inner, float[] b, int columns, ReadOnlySpan<float> c0)
    {
        var magnitude = new float[c0.Length];
        for (var i = 0; i < magnitude.Length; i++)
        {
            magnitude[i] = Math.Abs(c0[i]);
        }

        Gemm.MultiplyAddReference(Abs(a), rows, inner, Abs(b), columns, magnitude);
        return magnitude;
    }

    private static float[] Abs(float[] values)
    {
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = Math.Abs(values[i]);
        }

        return result;
    }

    private static float[] RandomArray(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() * 2f) - 1f;
        }

        return values;
    }

    /// <summary>
    /// Within 1e-4 relative to |c0| + |a|·|b| (never below |expected|), the magnitude that bounds rounding error: plain element-wise
    /// relative error is meaningless where cancellation leaves a result near zero.
    /// </summary>
    private static void AssertClose(float[] expected, float[] actual, float[] magnitude)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var scale = Math.Max(magnitude[i], float.Epsilon);
            var error = Math.Abs(expected[i] - actual[i]) / scale;
            Assert.True(error <= 1e-4f, $"element {i}: expected {expected[i]}, actual {actual[i]}, relative error {error}");
        }
    }
}
