using System.Collections.Concurrent;
using HdrHistogram;

namespace FitCluster.LoadTest;

/// <summary>
/// Collects outcomes from concurrent senders. A request is measured when it was (meant to be) sent inside the
/// window [start, end); the end moves earlier when the run is stopped. Thread-safe; latencies go into HdrHistogram
/// <see cref="LongConcurrentHistogram"/>s in microseconds (3 significant digits, up to one hour).
/// </summary>
public sealed class LoadRecorder
{
    /// <summary>Largest latency the histograms track, in microseconds (one hour).</summary>
    public const long HighestMicroseconds = 3_600_000_000L;

    private const int SignificantDigits = 3;

    private readonly long _windowStart;
    private readonly long _ticksPerSecond;
    private readonly LongConcurrentHistogram _latency = NewHistogram();
    private readonly LongConcurrentHistogram _sendLag = NewHistogram();
    private readonly LongConcurrentHistogram _clusterMs = NewHistogram();
    private readonly LongConcurrentHistogram _gatewayMs = NewHistogram();
    private readonly LongConcurrentHistogram[] _stageMs = [.. StageNames.Select(_ => NewHistogram())];
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _windowEnd;
    private long _sent;
    private long _succeeded;
    private long _failed;
    private long _abandoned;
    private long _measuredFailed;
    private long _completedInWindow;
    private double _coverageSum;
    private long _coverageCount;
    private double _minCoverage = double.NaN;
    private string? _modelVersion;

    /// <summary>Creates a recorder for the window [<paramref name="windowStart"/>, <paramref name="windowEnd"/>).</summary>
    /// <param name="windowStart">Start of the measurement window (end of the warm-up), in clock ticks.</param>
    /// <param name="windowEnd">Planned end of the window, in clock ticks.</param>
    /// <param name="ticksPerSecond">Clock resolution, e.g. <see cref="System.Diagnostics.Stopwatch.Frequency"/>.</param>
    public LoadRecorder(long windowStart, long windowEnd, long ticksPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowEnd, windowStart);
        ArgumentOutOfRangeException.ThrowIfLessThan(ticksPerSecond, 1);
        _windowStart = windowStart;
        _windowEnd = windowEnd;
        _ticksPerSecond = ticksPerSecond;
    }

    /// <summary>Whether a request sent (or due) at <paramref name="timestamp"/> counts.</summary>
    public bool IsMeasured(long timestamp) => timestamp >= _windowStart && timestamp < Volatile.Read(ref _windowEnd);

    /// <summary>Ends the window at <paramref name="timestamp"/> if that is earlier than planned (Ctrl+C).</summary>
    public void StopAt(long timestamp)
    {
        var current = Volatile.Read(ref _windowEnd);
        while (timestamp < current)
        {
            var seen = Interlocked.CompareExchange(ref _windowEnd, Math.Max(timestamp, _windowStart), current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Counts a request leaving; call before sending it.</summary>
    public void RecordSent() => Interlocked.Increment(ref _sent);

    /// <summary>Fixed rate: records how late the generator sent a request meant for <paramref name="intended"/>.</summary>
    public void RecordSendLag(long intended, long actual)
    {
        if (IsMeasured(intended))
        {
            _sendLag.RecordValue(Microseconds(Math.Max(0, actual - intended)));
        }
    }

    /// <summary>Records a 200 response.</summary>
    /// <param name="sentAt">When the request was meant to be sent (fixed rate) or was sent (saturation), in ticks.</param>
    /// <param name="completedAt">When its body had been read, in ticks.</param>
    /// <param name="response">The parsed body.</param>
    public void RecordSuccess(long sentAt, long completedAt, RankResponseJson response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Interlocked.Increment(ref _succeeded);
        if (completedAt >= _windowStart && completedAt < Volatile.Read(ref _windowEnd))
        {
            Interlocked.Increment(ref _completedInWindow);
        }

        lock (_gate)
        {
            _minCoverage = double.IsNaN(_minCoverage) ? response.Coverage : Math.Min(_minCoverage, response.Coverage);
        }

        if (!IsMeasured(sentAt))
        {
            return;
        }

        _latency.RecordValue(Microseconds(completedAt - sentAt));
        if (response.Timings is { } timings)
        {
            RecordTiming(_clusterMs, timings, "cluster_ms");
            RecordTiming(_gatewayMs, timings, "gateway_ms");
            for (var i = 0; i < StageNames.Count; i++)
            {
                RecordTiming(_stageMs[i], timings, StageNames[i]);
            }
        }

        lock (_gate)
        {
            _coverageSum += response.Coverage;
            _coverageCount++;
            _modelVersion ??= response.ModelVersion;
        }
    }

    /// <summary>Records a failure of kind <paramref name="kind"/> (<c>503</c>, <c>timeout</c>, …).</summary>
    public void RecordFailure(long sentAt, string kind)
    {
        Interlocked.Increment(ref _failed);
        if (IsMeasured(sentAt))
        {
            Interlocked.Increment(ref _measuredFailed);
            _errors.AddOrUpdate(kind, 1, (_, count) => count + 1);
        }
    }

    /// <summary>Counts a request given up without an answer because the run was aborted (second Ctrl+C).</summary>
    public void RecordAbandoned() => Interlocked.Increment(ref _abandoned);

    /// <summary>Totals since the start, for the progress line.</summary>
    public LoadProgress Progress()
    {
        var succeeded = Interlocked.Read(ref _succeeded);
        var failed = Interlocked.Read(ref _failed);
        var sent = Interlocked.Read(ref _sent);
        return new LoadProgress(sent, succeeded, failed, sent - succeeded - failed - Interlocked.Read(ref _abandoned));
    }

    /// <summary>The measurement window's results; call once sending has stopped and in-flight requests have settled.</summary>
    public LoadResult Result()
    {
        var seconds = (double)(Volatile.Read(ref _windowEnd) - _windowStart) / _ticksPerSecond;
        var errors = _errors.ToArray();
        Array.Sort(errors, static (a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        double meanCoverage, minCoverage;
        string? modelVersion;
        lock (_gate)
        {
            meanCoverage = _coverageCount > 0 ? _coverageSum / _coverageCount : double.NaN;
            minCoverage = _minCoverage;
            modelVersion = _modelVersion;
        }

        return new LoadResult(
            seconds,
            _latency.TotalCount,
            Interlocked.Read(ref _measuredFailed),
            seconds > 0 ? Interlocked.Read(ref _completedInWindow) / seconds : double.NaN,
            LatencySummary.FromMicroseconds(_latency),
            errors,
            meanCoverage,
            Median(_clusterMs),
            Percentile(_clusterMs, 99),
            Median(_gatewayMs),
            _sendLag.TotalCount > 0 ? _sendLag.GetValueAtPercentile(99) / 1000.0 : double.NaN,
            modelVersion,
            minCoverage,
            StageNames.Select((name, i) => (name, Median(_stageMs[i]))).Where(s => double.IsFinite(s.Item2)).ToDictionary(s => s.name, s => s.Item2, StringComparer.Ordinal));
    }

    /// <summary>The ranking grain's stages in a response's <c>timings</c>, in the order they run.</summary>
    public static IReadOnlyList<string> StageNames { get; } = ["resolve_ms", "user_tower_ms", "scatter_gather_ms", "shard_max_ms", "merge_ms"];

    private static LongConcurrentHistogram NewHistogram() => new(1, HighestMicroseconds, SignificantDigits);

    private static double Median(LongConcurrentHistogram histogram) => Percentile(histogram, 50);

    private static double Percentile(LongConcurrentHistogram histogram, double percentile) =>
        histogram.TotalCount > 0 ? histogram.GetValueAtPercentile(percentile) / 1000.0 : double.NaN;

    private static void RecordTiming(LongConcurrentHistogram histogram, IReadOnlyDictionary<string, double> timings, string name)
    {
        if (timings.TryGetValue(name, out var ms) && ms >= 0 && double.IsFinite(ms))
        {
            histogram.RecordValue(Math.Min(HighestMicroseconds, (long)Math.Round(ms * 1000)));
        }
    }

    private long Microseconds(long ticks) => Math.Clamp((long)(ticks * 1_000_000.0 / _ticksPerSecond), 0, HighestMicroseconds);
}
