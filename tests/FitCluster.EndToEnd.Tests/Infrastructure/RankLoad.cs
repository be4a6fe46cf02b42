using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FitCluster.EndToEnd.Tests.Wire;
using FitCluster.Model.Ranking;

namespace FitCluster.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A background loop that ranks one request through a changing set of HTTP endpoints (the gateway, silos' own APIs),
/// one after another in rounds, and records every answer that is not a correct, fully covered 200. Bounded: it stops
/// when asked or at its deadline, whichever comes first.
/// </summary>
public sealed class RankLoad
{
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(15);

    private readonly RankBody _body;
    private readonly RankOutcome _expected;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HttpClient> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _served = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];
    private readonly List<(long Round, TaskCompletionSource Reached)> _waiters = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _rounds;

    /// <summary>Ranks <paramref name="body"/>, expecting <paramref name="expected"/> (the in-process ranker's answer).</summary>
    public RankLoad(RankBody body, RankOutcome expected)
    {
        _body = body;
        _expected = expected;
    }

    /// <summary>Rounds completed so far.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Every failed request so far: when, where, what.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Correct answers per endpoint so far.</summary>
    public IReadOnlyDictionary<string, int> Served
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_served, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Adds an endpoint from the next round on (the load does not dispose it).</summary>
    public void Add(string name, HttpClient http)
    {
        lock (_gate)
        {
            _targets[name] = http;
            _served.TryAdd(name, 0);
        }
    }

    /// <summary>
    /// Takes an endpoint out, as a load balancer does before a pod is stopped, and waits until the round in progress
    /// (which may still be calling it) has ended.
    /// </summary>
    public async Task RemoveAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _targets.Remove(name);
        }

        await WaitForRoundsAsync(2, timeout, cancellationToken);
    }

    /// <summary>Waits until <paramref name="count"/> more rounds have completed.</summary>
    public Task WaitForRoundsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((Rounds + count, reached));
        }

        return reached.Task.WaitAsync(timeout, cancellationToken);
    }

    /// <summary>Runs rounds until <paramref name="stop"/> is cancelled or <paramref name="deadline"/> has passed.</summary>
    public async Task RunAsync(TimeSpan deadline, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && _clock.Elapsed < deadline)
        {
            List<KeyValuePair<string, HttpClient>> targets;
            lock (_gate)
            {
                targets = [.. _targets];
            }

            foreach (var (name, http) in targets)
            {
                var failure = await TryRankAsync(http, stop);
                lock (_gate)
                {
                    if (failure is null)
                    {
                        _served[name]++;
                    }
                    else if (!stop.IsCancellationRequested)
                    {
                        _errors.Add(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds:F1} s, round {Rounds + 1}] {name}: {failure}"));
                    }
                }
            }

            var rounds = Interlocked.Increment(ref _rounds);
            lock (_gate)
            {
                foreach (var waiter in _waiters.Where(w => w.Round <= rounds).ToList())
                {
                    waiter.Reached.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }

            if (targets.Count == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task<string?> TryRankAsync(HttpClient http, CancellationToken stop)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
        attempt.CancelAfter(s_requestTimeout);
        try
        {
            using var response = await http.RankAsync(_body, attempt.Token);
            var text = await response.Content.ReadAsStringAsync(attempt.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"HTTP {(int)response.StatusCode}: {text}";
            }

            var reply = JsonSerializer.Deserialize<RankReply>(text, WireJson.Options)!;
            if (reply.Coverage < 1.0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"coverage {reply.Coverage}: {text}");
            }

            return ReferenceRanking.Difference(_expected, reply) is { } difference ? $"wrong ranking: {difference}" : null;
        }
        catch (HttpRequestException e)
        {
            return $"request failed: {e.Message}";
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return $"no answer within {s_requestTimeout.TotalSeconds:F0} s";
        }
        catch (OperationCanceledException)
        {
            return "stopped";
        }
    }
}
