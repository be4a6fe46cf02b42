using System.Collections.Concurrent;

namespace FitCluster.Client.Gateway;

/// <summary>
/// Rate-limits log lines that outsiders can cause (malformed bodies, wrong credentials): at most one line per cause per
/// <see cref="Interval"/>, the next one carrying how many were left out meanwhile, so that a flood of bad requests
/// cannot flood the log. Thread-safe.
/// </summary>
public sealed class LogThrottle(TimeProvider time)
{
    /// <summary>Default <see cref="Interval"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    /// <summary>Causes tracked apart; any beyond share one entry, so memory stays bounded whatever clients send.</summary>
    public const int MaxCauses = 256;

    /// <summary>The cause every cause beyond <see cref="MaxCauses"/> is counted under.</summary>
    public const string OtherCauses = "(other causes)";

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>At most one line per cause per this interval.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>
    /// Whether to write a line for <paramref name="cause"/> now; if so, <paramref name="suppressed"/> is how many were left
    /// out since the last line of this cause (otherwise 0, and this one is counted).
    /// </summary>
    public bool ShouldLog(string cause, out long suppressed)
    {
        ArgumentNullException.ThrowIfNull(cause);
        if (!_entries.TryGetValue(cause, out var entry))
        {
            entry = _entries.Count >= MaxCauses ? _entries.GetOrAdd(OtherCauses, _ => new Entry()) : _entries.GetOrAdd(cause, _ => new Entry());
        }

        var now = time.GetTimestamp();
        lock (entry)
        {
            if (entry.LastLogged is { } last && time.GetElapsedTime(last, now) < Interval)
            {
                entry.Suppressed++;
                suppressed = 0;
                return false;
            }

            entry.LastLogged = now;
            suppressed = entry.Suppressed;
            entry.Suppressed = 0;
            return true;
        }
    }

    private sealed class Entry
    {
        public long? LastLogged { get; set; }

        public long Suppressed { get; set; }
    }
}
