using Microsoft.AspNetCore.Diagnostics;

namespace FitCluster.Client.Gateway;

/// <summary>
/// Answers a request the endpoint could not even read (malformed JSON, a wrong content type, …) with its 4xx problem,
/// and logs it as a warning without stack trace, at most once per cause per <see cref="LogThrottle.Interval"/>: a
/// client's mistake is not a server error. Every other exception is left to the default handling (500, logged as an error).
/// </summary>
public sealed partial class MalformedRequestHandler(IProblemDetailsService problems, LogThrottle throttle, ILogger<MalformedRequestHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        // The cause: the status and what failed (the JSON reader, the content type…), not the details of one body.
        var cause = $"{bad.StatusCode} {httpContext.Request.Path} {(bad.InnerException ?? bad).GetType().Name}";
        if (throttle.ShouldLog(cause, out var suppressed))
        {
            LogMalformed(logger, httpContext.Request.Method, httpContext.Request.Path, bad.StatusCode, Describe(bad), suppressed, throttle.Interval.TotalSeconds);
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        // The problem's title and detail are filled in by the API's CustomizeProblemDetails from the exception.
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode },
        });
        return true;
    }

    /// <summary>
    /// What is wrong, from the whole chain of causes: the JSON reader's "could not be converted to System.String" names
    /// the field, its inner exception the problem (invalid UTF-8, an unpaired surrogate).
    /// </summary>
    public static string Describe(BadHttpRequestException bad)
    {
        ArgumentNullException.ThrowIfNull(bad);
        var messages = new List<string>();
        for (Exception? e = bad; e is not null && messages.Count < 4; e = e.InnerException)
        {
            if (!messages.Contains(e.Message, StringComparer.Ordinal))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(" ", messages);
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning,
        Message = "Refused a malformed request {Method} {Path} ({StatusCode}): {Reason} ({Suppressed} more like it were not logged; at most one line per cause every {IntervalSeconds} s)")]
    private static partial void LogMalformed(ILogger logger, string method, string path, int statusCode, string reason, long suppressed, double intervalSeconds);
}
