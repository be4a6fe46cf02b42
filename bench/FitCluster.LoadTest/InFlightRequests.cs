namespace FitCluster.LoadTest;

/// <summary>
/// Counts fire-and-forget sends so the run can wait for the last answer: starts open (one reference held by the
/// sender), <see cref="CloseAndWaitAsync"/> drops that reference and completes when every send has exited.
/// </summary>
public sealed class InFlightRequests
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _count = 1;

    /// <summary>Counts a send starting.</summary>
    public void Enter() => Interlocked.Increment(ref _count);

    /// <summary>Counts a send finished.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Sending is over: completes once the sends started so far have exited.</summary>
    public Task CloseAndWaitAsync()
    {
        Exit();
        return _drained.Task;
    }
}
