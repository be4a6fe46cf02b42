namespace FitCluster.LoadTest;

/// <summary>
/// The send times of an open-loop run: send i is due <see cref="OffsetOf"/>(i) ticks after the start. Each offset is
/// computed from i, never accumulated, so rounding never drifts the rate; latency is measured from these intended
/// times, which keeps a stalled server from hiding its stall (coordinated omission).
/// </summary>
public readonly record struct FixedRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="requestsPerSecond">Target rate, &gt; 0.</param>
    /// <param name="ticksPerSecond">Clock resolution, e.g. <see cref="System.Diagnostics.Stopwatch.Frequency"/>.</param>
    public FixedRateSchedule(double requestsPerSecond, long ticksPerSecond)
    {
        if (!(requestsPerSecond > 0) || double.IsInfinity(requestsPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "needs a finite rate > 0");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ticksPerSecond, 1);
        RequestsPerSecond = requestsPerSecond;
        TicksPerSecond = ticksPerSecond;
    }

    /// <summary>Target rate in requests per second.</summary>
    public double RequestsPerSecond { get; }

    /// <summary>Clock ticks per second.</summary>
    public long TicksPerSecond { get; }

    /// <summary>When send <paramref name="index"/> (0-based) is due, in ticks after the start.</summary>
    public long OffsetOf(long index) => (long)Math.Round(index * (double)TicksPerSecond / RequestsPerSecond);

    /// <summary>How many sends are due strictly before <paramref name="spanTicks"/> ticks after the start.</summary>
    public long CountWithin(long spanTicks)
    {
        if (spanTicks <= 0)
        {
            return 0;
        }

        // The estimate can be off by one where an offset rounds onto the boundary; settle it on the offsets themselves.
        var count = (long)Math.Ceiling(spanTicks * RequestsPerSecond / TicksPerSecond);
        while (count > 0 && OffsetOf(count - 1) >= spanTicks)
        {
            count--;
        }

        while (OffsetOf(count) < spanTicks)
        {
            count++;
        }

        return count;
    }
}
