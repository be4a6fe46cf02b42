using FitCluster.Client.Gateway;
using Microsoft.Extensions.Time.Testing;

namespace FitCluster.Client.Tests;

/// <summary>
/// <see cref="HedgedCall"/>: at most two attempts within the deadline; a slow first attempt gets a second beside it, a
/// retryable failure gets one retry, anything else is answered as it is. The clock is a fake one: nothing here waits.
/// </summary>
public sealed class HedgedCallTests
{
    private static readonly TimeSpan s_hedge = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task FastAnswer_OneAttempt()
    {
        var attempts = new Attempts("a");
        var answer = await Run(attempts, new FakeTimeProvider(), CancellationToken.None);
        Assert.Equal("a", answer);
        Assert.Equal(1, attempts.Started);
    }

    [Fact]
    public async Task FirstUnansweredPastHedge_SecondAttemptAnswers_AndTheFirstIsCancelled()
    {
        var time = new FakeTimeProvider();
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken firstToken = default;
        var attempts = new Attempts(token => { firstToken = token; return first.Task; }, _ => Task.FromResult("second"));
        var running = Run(attempts, time, CancellationToken.None);

        await Settle();
        Assert.Equal(1, attempts.Started); // no second attempt before the hedge delay
        time.Advance(s_hedge - TimeSpan.FromMilliseconds(1));
        await Settle();
        Assert.Equal(1, attempts.Started);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("second", await running.WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, attempts.Started);
        Assert.True(firstToken.IsCancellationRequested, "the abandoned first attempt is cancelled");
    }

    [Fact]
    public async Task SlowFirstAnswersBeforeTheHedge_ItsAnswerWins()
    {
        var time = new FakeTimeProvider();
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken secondToken = default;
        var attempts = new Attempts(_ => first.Task, token => { secondToken = token; return second.Task; });
        var running = Run(attempts, time, CancellationToken.None);
        time.Advance(s_hedge);
        await Settle();
        Assert.Equal(2, attempts.Started);

        first.SetResult("first"); // the hedged-over attempt answers first after all: it wins
        Assert.Equal("first", await running.WaitAsync(TestContext.Current.CancellationToken));
        Assert.True(secondToken.IsCancellationRequested, "the losing second attempt is cancelled");
    }

    [Fact]
    public async Task RetryableFailureAfterHedge_WaitsForTheOtherAttempt()
    {
        var time = new FakeTimeProvider();
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = new Attempts(_ => first.Task, _ => second.Task);
        var running = Run(attempts, time, CancellationToken.None);
        time.Advance(s_hedge);
        await Settle();

        second.SetException(new RetryableException()); // the hedge itself failed fast; the first may still answer
        await Settle();
        Assert.False(running.IsCompleted);
        first.SetResult("first");
        Assert.Equal("first", await running.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RetryableFailure_RetriedOnceAfterThePause()
    {
        var time = new FakeTimeProvider();
        var attempts = new Attempts(_ => Task.FromException<string>(new RetryableException()), _ => Task.FromResult("retried"));
        var running = Run(attempts, time, CancellationToken.None);
        await Settle();
        Assert.Equal(1, attempts.Started); // the retry waits for the pause (a new gateway list)
        time.Advance(HedgedCall.RetryPause);
        Assert.Equal("retried", await running.WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, attempts.Started);
    }

    [Fact]
    public async Task RetryableRefusal_RetriedOnce_AndTheSecondRefusalStands()
    {
        var time = new FakeTimeProvider();
        var attempts = new Attempts("refused:1", "refused:2", "never");
        var running = Run(attempts, time, CancellationToken.None);
        await Settle();
        time.Advance(HedgedCall.RetryPause);
        Assert.Equal("refused:2", await running.WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, attempts.Started); // at most two attempts
    }

    [Fact]
    public async Task RetryableFailureTwice_TheLastErrorIsThrown()
    {
        var time = new FakeTimeProvider();
        var attempts = new Attempts(
            _ => Task.FromException<string>(new RetryableException("first")),
            _ => Task.FromException<string>(new RetryableException("second")));
        var running = Run(attempts, time, CancellationToken.None);
        await Settle();
        time.Advance(HedgedCall.RetryPause);
        var e = await Assert.ThrowsAsync<RetryableException>(() => running.WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal("second", e.Message);
    }

    [Fact]
    public async Task OtherFailure_NotRetried()
    {
        var attempts = new Attempts(_ => Task.FromException<string>(new InvalidOperationException("bug")), _ => Task.FromResult("never"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Run(attempts, new FakeTimeProvider(), CancellationToken.None));
        Assert.Equal(1, attempts.Started);
    }

    [Fact]
    public async Task HedgeOff_SlowFirstAttemptIsNotDoubled()
    {
        var time = new FakeTimeProvider();
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = new Attempts(_ => first.Task, _ => Task.FromResult("never"));
        var running = HedgedCall.RunAsync(attempts.Call, e => e is RetryableException, r => r.StartsWith("refused", StringComparison.Ordinal),
            TimeSpan.Zero, time, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        await Settle();
        Assert.Equal(1, attempts.Started);
        first.SetResult("first");
        Assert.Equal("first", await running.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DeadlinePassed_NoSecondAttempt_AndTheCallerSeesCancellation()
    {
        var time = new FakeTimeProvider();
        using var deadline = new CancellationTokenSource();
        var attempts = new Attempts(token => Task.Delay(Timeout.Infinite, token).ContinueWith<string>(_ => throw new OperationCanceledException(token), TaskScheduler.Default),
            _ => Task.FromResult("never"));
        var running = Run(attempts, time, deadline.Token);
        await Settle();
        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, attempts.Started);
    }

    [Fact]
    public async Task LosingAttemptFailsLater_ItsExceptionIsObserved()
    {
        // The lost attempt's fault must never surface as TaskScheduler.UnobservedTaskException (logged as an error by hosts).
        var marker = $"lost attempt {Guid.NewGuid():N}";
        var reported = 0;
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) =>
        {
            if (e.Exception.InnerExceptions.Any(x => x.Message == marker))
            {
                Interlocked.Increment(ref reported);
            }
        };
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            await LoseThenFail(marker);
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            Assert.Equal(0, Volatile.Read(ref reported));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }
    }

    // In its own method, so that nothing of the call is reachable once it returns.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task LoseThenFail(string marker)
    {
        var time = new FakeTimeProvider();
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = new Attempts(_ => first.Task, _ => Task.FromResult("second"));
        var running = Run(attempts, time, CancellationToken.None);
        await Settle();
        time.Advance(s_hedge);
        Assert.Equal("second", await running.WaitAsync(TestContext.Current.CancellationToken));
        first.SetException(new InvalidOperationException(marker)); // after the winner: only the abandoned attempt sees it
        await Settle();
    }

    private static Task<string> Run(Attempts attempts, FakeTimeProvider time, CancellationToken deadline) =>
        HedgedCall.RunAsync(attempts.Call, e => e is RetryableException, r => r.StartsWith("refused", StringComparison.Ordinal), s_hedge, time, deadline);

    // Lets continuations that do not depend on the fake clock run.
    private static async Task Settle()
    {
        for (var i = 0; i < 20; i++)
        {
            await Task.Yield();
        }

        await Task.Delay(20, TestContext.Current.CancellationToken);
    }

    private sealed class RetryableException(string message = "gone") : Exception(message);

    private sealed class Attempts
    {
        private readonly Func<CancellationToken, Task<string>>[] _calls;
        private int _started;

        public Attempts(params string[] answers) => _calls = [.. answers.Select(a => (Func<CancellationToken, Task<string>>)(_ => Task.FromResult(a)))];

        public Attempts(params Func<CancellationToken, Task<string>>[] calls) => _calls = calls;

        public int Started => Volatile.Read(ref _started);

        public Task<string> Call(CancellationToken token) => _calls[Interlocked.Increment(ref _started) - 1](token);
    }
}
