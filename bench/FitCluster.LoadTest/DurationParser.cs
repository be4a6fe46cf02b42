using System.Globalization;

namespace FitCluster.LoadTest;

/// <summary>Parses durations written like <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1.5s</c> or a bare number of seconds.</summary>
public static class DurationParser
{
    /// <summary>Parses <paramref name="text"/>; false for anything else or a negative value.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim().ToLowerInvariant();
        var (number, scale) = trimmed switch
        {
            _ when trimmed.EndsWith("ms", StringComparison.Ordinal) => (trimmed[..^2], 0.001),
            _ when trimmed.EndsWith('s') => (trimmed[..^1], 1.0),
            _ when trimmed.EndsWith('m') => (trimmed[..^1], 60.0),
            _ when trimmed.EndsWith('h') => (trimmed[..^1], 3600.0),
            _ => (trimmed, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value * scale > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }
}
