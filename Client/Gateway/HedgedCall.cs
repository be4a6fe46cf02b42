namespace FitCluster.Client.Gateway;

/// <summary>
/// Runs an idempotent cluster read at most twice within one request deadline: a second attempt starts when the first
/// fails in a way worth retrying (its silo is gone, or the cluster answered with a retryable refusal), or when the first
/// is still unanswered after <c>hedgeAfter</c> (a request sent to a gateway silo that stopped can wait for an answer that
/// never comes: Orleans fails it only at its response timeout). The first good answer wins; the loser is cancelled.
/// </summary>
/// <remarks>
/// Only for reads (ranking, the catalog): a write must not run twice. The deadline bounds everything: no attempt starts
/// after it, and the caller maps its expiry to 504 as before.
/// </remarks>
public static class HedgedCall
{
    /// <summary>Pause before a retry that follows a fast failure: time for the Orleans client to refresh its gateway list.</summary>
    public static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Calls <paramref name="call"/>, and once more as described above. Returns the first answer that is neither an
    /// exception <paramref name="retryableError"/> accepts nor a result <paramref name="retryableResult"/> accepts; when
    /// both attempts fail, the last attempt's answer (its result, or its exception rethrown).
    /// </summary>
    /// <param name="call">One attempt; its token is cancelled when the other attempt wins or the deadline passes.</param>
    /// <param name="retryableError">Whether an attempt's exception is worth a second attempt.</param>
    /// <param name="retryableResult">Whether an attempt's result is a refusal worth a second attempt.</param>
    /// <param name="hedgeAfter">How long the first attempt may run before the second starts beside it; zero or less: never hedge, only retry.</param>
    /// <param name="time">The clock (tests use a fake one).</param>
    /// <param name="deadline">The request's deadline.</param>
    public static async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> call,
        Func<Exception, bool> retryableError,
        Func<T, bool> retryableResult,
        TimeSpan hedgeAfter,
        TimeProvider time,
        CancellationToken deadline)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(retryableError);
        ArgumentNullException.ThrowIfNull(retryableResult);
        ArgumentNullException.ThrowIfNull(time);

        using var firstCancel = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        var first = Start(call, firstCancel.Token);
        using var hedgeTimer = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        var hedge = hedgeAfter > TimeSpan.Zero ? Task.Delay(hedgeAfter, time, hedgeTimer.Token) : Task.Delay(Timeout.Infinite, hedgeTimer.Token);
        try
        {
            if (await Task.WhenAny(first, hedge).ConfigureAwait(false) == first)
            {
                if (!Retryable(first, retryableError, retryableResult) || deadline.IsCancellationRequested)
                {
                    return await first.ConfigureAwait(false);
                }

                // A fast failure: pause briefly (a dead gateway is being replaced), then one more attempt, whose answer stands.
                await Task.Delay(RetryPause, time, deadline).ConfigureAwait(false);
                return await call(deadline).ConfigureAwait(false);
            }
        }
        finally
        {
            await hedgeTimer.CancelAsync().ConfigureAwait(false);
            await Swallow(hedge).ConfigureAwait(false);
        }

        // The first attempt is slow: a second one beside it; the first good answer wins.
        deadline.ThrowIfCancellationRequested();
        using var secondCancel = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        var second = Start(call, secondCancel.Token);
        var done = await Task.WhenAny(first, second).ConfigureAwait(false);
        var other = done == first ? second : first;
        if (Retryable(done, retryableError, retryableResult))
        {
            await Swallow(other).ConfigureAwait(false);
            done = other.IsCompletedSuccessfully && !Retryable(other, retryableError, retryableResult) ? other : second;
        }

        // The loser is abandoned: its token is cancelled, and its outcome observed so it is never an unobserved fault.
        await (done == first ? secondCancel : firstCancel).CancelAsync().ConfigureAwait(false);
        _ = Swallow(done == first ? second : first);
        return await done.ConfigureAwait(false);
    }

    // The call, with a synchronous throw turned into a faulted task.
    private static Task<T> Start<T>(Func<CancellationToken, Task<T>> call, CancellationToken token)
    {
        try
        {
            return call(token);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private static bool Retryable<T>(Task<T> attempt, Func<Exception, bool> retryableError, Func<T, bool> retryableResult) =>
        attempt.IsCompletedSuccessfully
            ? retryableResult(attempt.Result)
            : attempt.Exception is { } e && e.InnerExceptions.Count == 1 && retryableError(e.InnerException!);

    // Waits for an attempt or the hedge timer without rethrowing its end: the hedge timer of every answered request ends
    // cancelled, and a thrown (then caught) TaskCanceledException per request was measurable under load. A lost
    // attempt's fault is observed (awaiting with SuppressThrowing marks it so on .NET 10; reading Exception keeps that
    // true on any runtime), so it never reaches TaskScheduler.UnobservedTaskException: the winner's answer is what counts.
    private static async Task Swallow(Task task)
    {
        await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _ = task.Exception;
    }
}
