using Microsoft.AspNetCore.Http.HttpResults;

namespace FitCluster.Client.Gateway;

/// <summary>
/// The deadline of one API request: a token that ends at <see cref="GatewayOptions.RequestTimeout"/> plus
/// <see cref="Margin"/> (or when the client goes away), for every grain call the request makes, so that a call in
/// flight to a silo that died is abandoned at the deadline rather than after Orleans' response timeout.
/// </summary>
public sealed class RequestDeadline : IDisposable
{
    /// <summary>Added to the request timeout, so that the cluster's own deadline (the same timeout) answers first, with its reason.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _requestAborted;

    /// <summary>Starts the deadline now.</summary>
    public RequestDeadline(TimeSpan requestTimeout, CancellationToken requestAborted)
    {
        _requestAborted = requestAborted;
        _source = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        _source.CancelAfter(requestTimeout + Margin);
        Timeout = requestTimeout;
    }

    /// <summary>The token to pass to grain calls.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The request timeout this deadline enforces.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Whether <paramref name="e"/> is this deadline expiring (not the client going away).</summary>
    public bool Expired(Exception e) => e is OperationCanceledException && _source.IsCancellationRequested && !_requestAborted.IsCancellationRequested;

    /// <summary>504 <c>timeout</c>: the cluster did not answer within the deadline.</summary>
    public ProblemHttpResult TimedOut() => TypedResults.Problem(
        $"The cluster did not answer within the request timeout of {Timeout.TotalSeconds:0.###} s (a silo may have just failed); retry shortly.",
        statusCode: StatusCodes.Status504GatewayTimeout, title: "timeout",
        extensions: new Dictionary<string, object?> { ["code"] = "timeout", ["retry_after_seconds"] = 1 });

    /// <inheritdoc />
    public void Dispose() => _source.Dispose();
}
