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
    private readonly IReadOnlyList<string>? _labels;

    /// <summary>Number of entities (users or items, padding item included) the field describes.</summary>
    public int EntityCount => Values.Length / Width;

    /// <summary>
    /// The raw value of each vocabulary index (what a serving request sends), length <see cref="VocabSize"/>, with an
    /// empty label for index 0. Defaults to the index itself as text when the dataset has no raw values (synthetic data).
    /// </summary>
    public IReadOnlyList<string> Labels
    {
        get => _labels ?? IndexLabels(VocabSize);
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Count != VocabSize || value[0].Length != 0)
            {
                throw new ArgumentException($"Field '{Name}' needs {VocabSize} labels with an empty label 0, got {value.Count}.", nameof(value));
            }

            _labels = value;
        }
    }

    /// <summary>Labels "", "1", "2", … for a vocabulary without raw values.</summary>
    public static string[] IndexLabels(int count)
    {
        var labels = new string[count];
        labels[0] = string.Empty;
        for (var i = 1; i < count; i++)
        {
            labels[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return labels;
    }
}
