namespace FitCluster.Benchmarks.Numerics;

/// <summary>One c[rows, columns] += a[rows, inner] · b[inner, columns] problem; prints as rows x inner x columns.</summary>
public readonly record struct GemmShape(int Rows, int Inner, int Columns)
{
    /// <summary>Floating-point operations of one product: a multiply and an add per (row, inner, column).</summary>
    public double Flops => 2.0 * Rows * Inner * Columns;

    public override string ToString() => $"{Rows}x{Inner}x{Columns}";
}
