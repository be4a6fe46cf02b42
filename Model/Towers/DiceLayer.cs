using System.Numerics.Tensors;

namespace FitCluster.Model.Towers;

/// <summary>
/// Dice (DIN's activation) in inference form: y = x·(α + (1 − α)·σ(x·scale + shift)), where scale and shift fold the
/// running statistics of its batch normalisation. Channel vectors are tiled over up to <c>maxRows</c> rows once, so a
/// whole <c>[rows, channels]</c> block is four SIMD passes.
/// </summary>
internal sealed class DiceLayer
{
    private readonly float[] _scale;
    private readonly float[] _shift;
    private readonly float[] _alpha;
    private readonly float[] _oneMinusAlpha;

    public DiceLayer(float[] scale, float[] shift, float[] alpha, int maxRows)
    {
        Channels = scale.Length;
        _scale = Tile(scale, maxRows);
        _shift = Tile(shift, maxRows);
        _alpha = Tile(alpha, maxRows);
        var oneMinus = new float[alpha.Length];
        for (var i = 0; i < alpha.Length; i++)
        {
            oneMinus[i] = 1f - alpha[i];
        }

        _oneMinusAlpha = Tile(oneMinus, maxRows);
    }

    public int Channels { get; }

    /// <summary>Applies Dice in place to <paramref name="block"/> (<c>[rows, Channels]</c>), using <paramref name="temp"/> of the same length.</summary>
    public void Apply(Span<float> block, Span<float> temp)
    {
        var n = block.Length;
        TensorPrimitives.MultiplyAdd(block, _scale.AsSpan(0, n), _shift.AsSpan(0, n), temp);
        TensorPrimitives.Sigmoid(temp, temp);
        TensorPrimitives.MultiplyAdd(temp, _oneMinusAlpha.AsSpan(0, n), _alpha.AsSpan(0, n), temp);
        TensorPrimitives.Multiply(block, temp, block);
    }

    private static float[] Tile(float[] values, int rows)
    {
        var tiled = new float[values.Length * rows];
        for (var r = 0; r < rows; r++)
        {
            values.CopyTo(tiled, r * values.Length);
        }

        return tiled;
    }
}
