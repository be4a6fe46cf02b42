namespace FitCluster.Model.Artifacts;

/// <summary>An artifact is missing, corrupt, or does not match what its manifest or this build expects.</summary>
public sealed class ArtifactException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ArtifactException()
    {
    }

    /// <summary>Creates the exception with a message that names the artifact and the problem.</summary>
    public ArtifactException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ArtifactException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
