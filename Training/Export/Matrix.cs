namespace FitCluster.Training.Export;

/// <summary>A dense row-major double matrix used while folding weights.</summary>
/// <param name="Values">Row-major values.</param>
/// <param name="Rows">Row count.</param>
/// <param name="ColumnCount">Column count.</param>
public sealed record Matrix(double[] Values, int Rows, int ColumnCount)
{
    /// <summary>Element (r, c).</summary>
    public double this[int r, int c] => Values[(r * ColumnCount) + c];

    /// <summary>The transpose's values, row-major <c>[ColumnCount, Rows]</c>.</summary>
    public double[] Transposed()
    {
        var result = new double[Values.Length];
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < ColumnCount; c++)
            {
                result[(c * Rows) + r] = Values[(r * ColumnCount) + c];
            }
        }

        return result;
    }

    /// <summary>Columns <c>start..start+count</c> as a new matrix.</summary>
    public Matrix ColumnSlice(int start, int count)
    {
        var result = new double[Rows * count];
        for (var r = 0; r < Rows; r++)
        {
            Array.Copy(Values, (r * ColumnCount) + start, result, r * count, count);
        }

        return new Matrix(result, Rows, count);
    }
}
