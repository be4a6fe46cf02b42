using System.Text;

namespace FitCluster.Training.Data;

/// <summary>
/// Counts the malformed lines of one raw file, which are skipped instead of stopping the run, and keeps the first few
/// as examples for the log.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
internal sealed class MalformedLines(string path, IProgress<string>? progress)
{
    /// <summary>How many malformed lines are reported one by one before only the count goes on.</summary>
    public const int ReportedExamples = 5;

    private const int PreviewLength = 120;

    /// <summary>Number of malformed lines seen.</summary>
    public long Count { get; private set; }

    /// <summary>Records that line <paramref name="lineNumber"/> was skipped because of <paramref name="problem"/>.</summary>
    public void Add(long lineNumber, string problem, ReadOnlySpan<byte> line)
    {
        Count++;
        if (Count <= ReportedExamples)
        {
            var text = Encoding.UTF8.GetString(line[..Math.Min(line.Length, PreviewLength)]);
            progress?.Report($"{Path.GetFileName(path)}, line {lineNumber}: skipped, {problem}: '{text}'");
        }
    }

    /// <summary>", N malformed lines skipped" or an empty string.</summary>
    public string Summary() => Count == 0 ? string.Empty : $", {Count:N0} malformed lines skipped";

    /// <summary>Throws when the file gave no usable line at all: it is not what its name says, or it is unreadable.</summary>
    /// <param name="validLines">Lines that parsed.</param>
    /// <param name="expected">What a line should look like, for the message.</param>
    public void ThrowIfNothingValid(long validLines, string expected)
    {
        if (validLines == 0)
        {
            throw new InvalidDataException(
                $"{path}: no usable line ({Count:N0} malformed); expected {expected}.");
        }
    }
}
