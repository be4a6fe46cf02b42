using TorchSharp;
using static TorchSharp.torch;

namespace FitCluster.Training.Models;

/// <summary>One batch as tensors: what every ranking model reads. Tensors are owned by the caller's dispose scope.</summary>
/// <param name="UserFields">int64 <c>[B, userFieldCount]</c> vocabulary indices of the user features.</param>
/// <param name="Item">int64 <c>[B]</c> candidate item indices.</param>
/// <param name="Sequence">int64 <c>[B, L]</c> behaviour item indices, oldest first, right-padded with 0.</param>
public sealed record ModelInput(Tensor UserFields, Tensor Item, Tensor Sequence)
{
    /// <summary>bool <c>[B, L]</c>: true where <see cref="Sequence"/> holds a real behaviour (not padding).</summary>
    public Tensor SequenceMask()
    {
        // TorchSharp turns a literal into a Scalar that only the finalizer frees, and nothing keeps it alive during the
        // native call: a GC at the wrong moment frees it mid-call (seen as "Expected false to be true" from
        // Scalar::toDouble after hours of training; dotnet/TorchSharp#1434). Model code therefore creates Scalars
        // explicitly with `using`.
        using var zero = 0L.ToScalar();
        return Sequence.gt(zero);
    }

    /// <summary>Batch size B.</summary>
    public long BatchSize => Item.shape[0];
}
