using System.Globalization;

namespace FitCluster.Training.Data;

/// <summary>Builds the vocabulary of a raw categorical value: distinct values sorted, mapped to 1..K (0 = padding / unknown).</summary>
/// <remarks>Thread-safe: no shared state.</remarks>
internal static class Vocabulary
{
    /// <summary>Distinct non-empty strings sorted ordinally, mapped to 1..K.</summary>
    public static Dictionary<string, int> Ordinal(IEnumerable<string> values)
    {
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (value.Length > 0)
            {
                distinct.Add(value);
            }
        }

        var sorted = distinct.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        var vocabulary = new Dictionary<string, int>(sorted.Length, StringComparer.Ordinal);
        for (var i = 0; i < sorted.Length; i++)
        {
            vocabulary.Add(sorted[i], i + 1);
        }

        return vocabulary;
    }

    /// <summary>Distinct values other than <paramref name="missing"/>, ascending, mapped to 1..K.</summary>
    public static Dictionary<long, int> Ascending(ReadOnlySpan<long> values, long missing)
    {
        var distinct = new HashSet<long>();
        foreach (var value in values)
        {
            if (value != missing)
            {
                distinct.Add(value);
            }
        }

        var sorted = distinct.ToArray();
        Array.Sort(sorted);
        var vocabulary = new Dictionary<long, int>(sorted.Length);
        for (var i = 0; i < sorted.Length; i++)
        {
            vocabulary.Add(sorted[i], i + 1);
        }

        return vocabulary;
    }

    /// <summary>The raw value of each vocabulary index, "" for index 0 (<see cref="CategoricalField.Labels"/>).</summary>
    public static string[] Labels<TKey>(Dictionary<TKey, int> vocabulary)
        where TKey : notnull
    {
        var labels = new string[vocabulary.Count + 1];
        labels[0] = string.Empty;
        foreach (var (key, index) in vocabulary)
        {
            labels[index] = Convert.ToString(key, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return labels;
    }

    /// <summary>A single-valued field over <paramref name="rawValues"/>, one per entity (<paramref name="missing"/> → 0).</summary>
    /// <param name="name">Field name.</param>
    /// <param name="rawValues">The raw value of each entity row (row 0 of an item field is the padding item: pass <paramref name="missing"/>).</param>
    /// <param name="missing">The value that means "unknown".</param>
    public static CategoricalField Field(string name, ReadOnlySpan<long> rawValues, long missing)
    {
        var vocabulary = Ascending(rawValues, missing);
        var values = new int[rawValues.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = rawValues[i] == missing ? 0 : vocabulary[rawValues[i]];
        }

        return new CategoricalField(name, vocabulary.Count + 1, 1, values) { Labels = Labels(vocabulary) };
    }
}
