namespace FitCluster.Training.Data.Schema;

/// <summary>How samples are made from the log and split into train / validation / test.</summary>
public sealed record ProtocolSpec
{
    /// <summary>
    /// <c>next-behaviour</c> (default; FIT §5.1.1 as for ML-1M and Amazon): each behaviour T ≥ 2 is a positive with one
    /// sampled negative, the user's last behaviour is test. <c>labelled-impressions</c> (as for Taobao): every
    /// impression is a sample with its label, its sequence the user's positive behaviours strictly before it, and the
    /// test set the impressions at or after <see cref="TestFrom"/> (default: the last calendar day).
    /// </summary>
    public string? Kind { get; init; }

    /// <summary>Users with fewer behaviours are dropped; default 2 for next-behaviour, 1 for labelled-impressions.</summary>
    public int? MinBehaviours { get; init; }

    /// <summary>labelled-impressions: test = impressions at or after this time (unix seconds or ISO date/time).</summary>
    public string? TestFrom { get; init; }

    /// <summary>labelled-impressions without <see cref="TestFrom"/>: the day boundary's offset from UTC in hours (Taobao: 8).</summary>
    public double? UtcOffsetHours { get; init; }
}
