using System.Diagnostics.CodeAnalysis;

namespace FitCluster.Model;

/// <summary>Throw sites kept out of hot methods so that those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ShapeMismatch(string description) => throw new ArgumentException($"Shape mismatch: {description}.");
}
