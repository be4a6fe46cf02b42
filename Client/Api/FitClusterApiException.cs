namespace FitCluster.Client.Api;

/// <summary>The gateway refused or failed a request; <see cref="Problem"/> holds its problem-details JSON.</summary>
public sealed class FitClusterApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FitClusterApiException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public FitClusterApiException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public FitClusterApiException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from an HTTP status and the response body.</summary>
    public FitClusterApiException(int statusCode, string problem) : base($"The gateway answered {statusCode}: {problem}")
    {
        StatusCode = statusCode;
        Problem = problem;
    }

    /// <summary>HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The response body (problem details JSON).</summary>
    public string Problem { get; } = string.Empty;
}
