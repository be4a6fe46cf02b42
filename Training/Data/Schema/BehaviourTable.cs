namespace FitCluster.Training.Data.Schema;

/// <summary>The behaviour / impression log: which columns hold the user, the item, the time and the optional label.</summary>
public sealed record BehaviourTable : TableSource
{
    /// <summary>Column of the user id (any type; integers sort numerically, text ordinally). Required.</summary>
    public string? User { get; init; }

    /// <summary>Column of the item id. Required.</summary>
    public string? Item { get; init; }

    /// <summary>Column of the event time: an integer or decimal (unix seconds, or any increasing unit), a date or a
    /// timestamp (converted to unix seconds), or text holding one of those. Required.</summary>
    public string? Time { get; init; }

    /// <summary>Column of the label (boolean or 0/1). Required by <c>labelled-impressions</c>; with
    /// <c>next-behaviour</c>, only rows labelled 1 are behaviours.</summary>
    public string? Label { get; init; }

    /// <summary>Rows before this time are dropped (counted as "time out of range"): unix seconds or an ISO date/time.</summary>
    public string? TimeFrom { get; init; }

    /// <summary>Rows at or after this time are dropped (counted as "time out of range"): unix seconds or an ISO date/time.</summary>
    public string? TimeUntil { get; init; }

    /// <summary><c>keep</c> (default) or <c>drop</c>: what to do with a repeated event (same user, item, time and label).</summary>
    public string? Duplicates { get; init; }
}
