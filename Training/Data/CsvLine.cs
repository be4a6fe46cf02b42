using System.Globalization;
using System.Text;

namespace FitCluster.Training.Data;

/// <summary>Helpers for the unquoted comma-separated lines of the Taobao files (no field holds a comma or a quote).</summary>
/// <remarks>Thread-safe: no shared state.</remarks>
internal static class CsvLine
{
    /// <summary>Splits <paramref name="line"/> on commas; false unless it has exactly <c>fields.Length</c> fields.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        foreach (var range in line.Split((byte)','))
        {
            if (count == fields.Length)
            {
                return false;
            }

            fields[count++] = range;
        }

        return count == fields.Length;
    }

    /// <summary>Parses a decimal integer (optional sign, no spaces).</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Parses a decimal integer that fits in 32 bits.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// True when <paramref name="line"/> is the header <paramref name="names"/>, comparing each field without surrounding
    /// spaces (the public <c>user_profile.csv</c> header ends in a space) and without case.
    /// </summary>
    public static bool IsHeader(ReadOnlySpan<byte> line, IReadOnlyList<string> names)
    {
        var index = 0;
        foreach (var range in line.Split((byte)','))
        {
            if (index >= names.Count
                || !Encoding.UTF8.GetString(line[range].Trim(" \t\uFEFF"u8)).Equals(names[index], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            index++;
        }

        return index == names.Count;
    }
}
