using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FitCluster.LoadTest;

/// <summary>
/// Sends prepared <c>POST /v1/rank</c> requests through one shared <see cref="HttpClient"/> and records each outcome:
/// open loop at a fixed rate (<see cref="RunFixedRateAsync"/>) or closed loop with a fixed number of workers
/// (<see cref="RunSaturationAsync"/>).
/// </summary>
/// <param name="client">The client; its <see cref="HttpClient.Timeout"/> turns a slow answer into a <c>timeout</c> failure.</param>
/// <param name="rankUris">Absolute URIs of <c>/v1/rank</c>: one gateway, or several silos' own APIs that request i
/// goes to in turn (i modulo their count).</param>
/// <param name="recorder">Where outcomes go.</param>
public sealed class LoadGenerator(HttpClient client, IReadOnlyList<Uri> rankUris, LoadRecorder recorder)
{
    /// <summary>
    /// Sends request i at <paramref name="start"/> + <paramref name="schedule"/>.OffsetOf(i) for i &lt; <paramref name="count"/>,
    /// without waiting for answers, and records latency from that intended time. The schedule runs on its own thread:
    /// it sleeps until about a millisecond before a send is due and yields the rest of the way, so it never sends early;
    /// when it falls behind it sends what is due at once (the lateness is the send lag the report shows).
    /// </summary>
    /// <returns>Completes when sending has ended (count reached or <paramref name="stop"/>) and every answer is in.</returns>
    public async Task RunFixedRateAsync(
        IReadOnlyList<PreparedRequest> requests, FixedRateSchedule schedule, long start, long count,
        CancellationToken stop, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var inFlight = new InFlightRequests();
        await Task.Factory.StartNew(
            () =>
            {
                for (long i = 0; i < count && !stop.IsCancellationRequested; i++)
                {
                    var intended = start + schedule.OffsetOf(i);
                    if (!WaitUntil(intended, stop))
                    {
                        break;
                    }

                    recorder.RecordSendLag(intended, Stopwatch.GetTimestamp());
                    inFlight.Enter();
                    _ = SendAndExitAsync(requests[(int)(i % requests.Count)], TargetOf(i), intended, inFlight, abort);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);
        await inFlight.CloseAndWaitAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="concurrency"/> workers that each send the next request as soon as the previous answer is
    /// in, until <paramref name="stop"/>; latency is measured from the actual send.
    /// </summary>
    /// <returns>Completes when every worker has had its last answer.</returns>
    public async Task RunSaturationAsync(IReadOnlyList<PreparedRequest> requests, int concurrency, CancellationToken stop, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        long next = -1;
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(
                async () =>
                {
                    while (!stop.IsCancellationRequested && !abort.IsCancellationRequested)
                    {
                        var index = Interlocked.Increment(ref next);
                        await SendAsync(requests[(int)(index % requests.Count)], TargetOf(index), Stopwatch.GetTimestamp(), abort).ConfigureAwait(false);
                    }
                },
                CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    // Blocks the scheduler thread until the due time; false when stopped first.
    private static bool WaitUntil(long due, CancellationToken stop)
    {
        while (true)
        {
            var remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return true;
            }

            var milliseconds = remaining * 1000 / Stopwatch.Frequency;
            if (milliseconds >= 2)
            {
                // Sleep timers overshoot by up to ~1 ms: wake early and close the gap below.
                if (stop.WaitHandle.WaitOne((int)Math.Min(milliseconds - 1, 1000)))
                {
                    return false;
                }
            }
            else if (milliseconds == 1)
            {
                Thread.Sleep(1);
            }
            else
            {
                if (stop.IsCancellationRequested)
                {
                    return false;
                }

                Thread.Yield();
            }
        }
    }

    private Uri TargetOf(long index) => rankUris[(int)(index % rankUris.Count)];

    private async Task SendAndExitAsync(PreparedRequest request, Uri target, long sentAt, InFlightRequests inFlight, CancellationToken abort)
    {
        try
        {
            // Leave the scheduler thread before any work, so the next send is not held up by this one.
            await Task.Yield();
            await SendAsync(request, target, sentAt, abort).ConfigureAwait(false);
        }
        finally
        {
            inFlight.Exit();
        }
    }

    private async Task SendAsync(PreparedRequest request, Uri target, long sentAt, CancellationToken abort)
    {
        recorder.RecordSent();
        try
        {
            using var content = new ByteArrayContent(request.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var message = new HttpRequestMessage(HttpMethod.Post, target) { Content = content };
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, abort).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(abort).ConfigureAwait(false);
            var completedAt = Stopwatch.GetTimestamp();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                recorder.RecordFailure(sentAt, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                return;
            }

            var parsed = JsonSerializer.Deserialize(body, LoadTestJsonContext.Default.RankResponseJson);
            if (parsed is null)
            {
                recorder.RecordFailure(sentAt, "bad body");
                return;
            }

            recorder.RecordSuccess(sentAt, completedAt, parsed);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            recorder.RecordAbandoned();
        }
        catch (TaskCanceledException)
        {
            // Not aborted: HttpClient.Timeout elapsed.
            recorder.RecordFailure(sentAt, "timeout");
        }
        catch (HttpRequestException e)
        {
            recorder.RecordFailure(sentAt, e.HttpRequestError == HttpRequestError.Unknown ? "transport" : e.HttpRequestError.ToString());
        }
        catch (JsonException)
        {
            recorder.RecordFailure(sentAt, "bad body");
        }
    }
}
