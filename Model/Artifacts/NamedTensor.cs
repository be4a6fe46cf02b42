namespace FitCluster.Model.Artifacts;

/// <summary>A named dense float32 tensor, row-major.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Shape">Row-major shape; the product equals <c>Values.Length</c>.</param>
/// <param name="Values">The values.</param>
public sealed record NamedTensor(string Name, int[] Shape, float[] Values)
{
    /// <summary>Element count implied by <see cref="Shape"/>.</summary>
    public long ShapeSize
    {
        get
        {
            long size = 1;
            foreach (var dim in Shape)
            {
                size *= dim;
            }

            return size;
        }
    }
}
