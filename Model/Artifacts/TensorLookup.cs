namespace FitCluster.Model.Artifacts;

/// <summary>Finds a tensor an artifact must have, with the shape the model's dimensions imply.</summary>
internal static class TensorLookup
{
    public static float[] Require(IReadOnlyDictionary<string, NamedTensor> tensors, string name, params int[] shape)
    {
        if (!tensors.TryGetValue(name, out var tensor))
        {
            throw new ArtifactException($"The artifact has no tensor '{name}'.");
        }

        if (!tensor.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new ArtifactException(
                $"Tensor '{name}' has shape {WeightsFile.Describe(tensor.Shape)}, but the manifest's dimensions need {WeightsFile.Describe(shape)}.");
        }

        return tensor.Values;
    }
}
