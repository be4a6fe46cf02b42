namespace FitCluster.Training.Data;

/// <summary>Finds a dataset's public files by their standard names, plain or gzip-compressed (<c>NAME</c> or <c>NAME.gz</c>).</summary>
/// <remarks>Thread-safe: no shared state.</remarks>
internal static class DatasetFiles
{
    /// <summary>The path of <paramref name="fileName"/> or <paramref name="fileName"/>.gz in <paramref name="directory"/>, or null.</summary>
    public static string? Find(string directory, string fileName)
    {
        var plain = Path.Combine(directory, fileName);
        if (File.Exists(plain))
        {
            return plain;
        }

        var compressed = plain + ".gz";
        return File.Exists(compressed) ? compressed : null;
    }

    /// <summary>Like <see cref="Find"/>, but a missing file is an error naming both accepted names.</summary>
    /// <exception cref="FileNotFoundException">Neither name exists.</exception>
    public static string Require(string directory, string fileName, string datasetTitle) =>
        Find(directory, fileName)
        ?? throw new FileNotFoundException(
            $"{datasetTitle} file not found: {Path.Combine(directory, fileName)} (or {fileName}.gz)", Path.Combine(directory, fileName));
}
