namespace FitCluster.Training.Data.Schema;

/// <summary>A dataset schema that is malformed or does not fit its data (an <see cref="ArgumentException"/>: the command
/// line named it); the message cites the schema file, line and
/// column (1-based) and the JSON path of the offending value.</summary>
public sealed class SchemaException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="schemaFile">The schema file.</param>
    /// <param name="location">Where in it, or null when the problem has no single place.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public SchemaException(string schemaFile, SchemaLocation? location, string problem, Exception? inner = null)
        : base(Format(schemaFile, location, problem), inner)
    {
        SchemaFile = schemaFile;
        Location = location;
        Problem = problem;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public SchemaException()
        : this(string.Empty, null, "invalid dataset schema")
    {
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public SchemaException(string message)
        : this(string.Empty, null, message)
    {
    }

    /// <summary>Creates the exception with a plain message and an inner exception.</summary>
    public SchemaException(string message, Exception inner)
        : this(string.Empty, null, message, inner)
    {
    }

    /// <summary>The schema file.</summary>
    public string SchemaFile { get; }

    /// <summary>Line, column and JSON path of the offending value, or null.</summary>
    public SchemaLocation? Location { get; }

    /// <summary>The problem without the location prefix.</summary>
    public string Problem { get; }

    private static string Format(string schemaFile, SchemaLocation? location, string problem) =>
        location is { } at ? $"{schemaFile}:{at.Line}:{at.Column}: {at.Path}: {problem}" : $"{schemaFile}: {problem}";
}
