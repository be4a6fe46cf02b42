namespace FitCluster.Training.Data;

/// <summary>
/// One categorical feature of a user or an item, stored column-wise for every entity.
/// </summary>
/// <remarks>
/// <para>Values are vocabulary indices in <c>1..VocabSize-1</c>; index 0 means padding / unknown and is never a real value.</para>
/// <para><see cref="Width"/> is 1 for a single-valued field (gender, release year). A multi-valued field (genres) has
/// <c>Width</c> = the largest number of values any entity has; shorter lists are right-padded with 0 and pooled by mean
/// over the non-zero entries.</para>
/// <para><see cref="Values"/> is row-major <c>[entityCount, Width]</c>. For items the entity index is the item index
/// (row 0 is the padding item and is all zeros).</para>
/// </remarks>
/// <param name="Name">Feature name, used in logs and as the embedding's weight name (snake_case).</param>
/// <param name="VocabSize">Number of embedding rows, including the padding row 0.</param>
/// <param name="Width">Values per entity (1 = single-valued).</param>
/// <param name="Values">Row-major <c>[entityCount, Width]</c> vocabulary indices.</param>
public sealed record CategoricalField(string Name, int VocabSize, int Width, int[] Values)
{
    /// <summary>Number of entities (users or items, padding item included) the field describes.</summary>
    public int EntityCount => Values.Length / Width;
}
