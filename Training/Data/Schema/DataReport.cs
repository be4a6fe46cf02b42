using System.Globalization;
using System.Text;

namespace FitCluster.Training.Data.Schema;

/// <summary>
/// What loading a dataset through its schema found: rows read, rows dropped and why, duplicate events, users without
/// enough behaviours, and per feature the entities with a missing or unseen value. Printed before training and kept
/// beside the dataset cache, so a run from the cache shows it too.
/// </summary>
/// <remarks>Not thread-safe while being filled; read-only afterwards.</remarks>
public sealed class DataReport
{
    private readonly List<string> _notes = [];

    /// <summary>Rows the behaviour log yielded (after DuckDB dropped malformed CSV lines).</summary>
    public long RowsRead { get; set; }

    /// <summary>CSV lines DuckDB rejected as malformed (wrong field count, unparsable under the detected types).</summary>
    public long MalformedLines { get; set; }

    /// <summary>Rows without a user or item id.</summary>
    public long MissingIds { get; set; }

    /// <summary>Rows whose time is missing or not a number, date or timestamp.</summary>
    public long MalformedTimes { get; set; }

    /// <summary>Rows whose label is missing or not 0/1.</summary>
    public long MalformedLabels { get; set; }

    /// <summary>Rows outside the schema's time_from / time_until.</summary>
    public long TimeOutOfRange { get; set; }

    /// <summary>Rows of users missing from a user table whose universe is <c>table</c>.</summary>
    public long UnknownUsers { get; set; }

    /// <summary>Rows of items missing from an item table whose universe is <c>table</c>.</summary>
    public long UnknownItems { get; set; }

    /// <summary>next-behaviour with a label column: rows labelled 0 (not behaviours).</summary>
    public long NegativeRows { get; set; }

    /// <summary>Repeated events (same user, item, time and label as an earlier row).</summary>
    public long Duplicates { get; set; }

    /// <summary>Whether <see cref="Duplicates"/> were dropped (else kept).</summary>
    public bool DuplicatesDropped { get; set; }

    /// <summary>Users with fewer behaviours than the protocol's minimum (dropped with their rows).</summary>
    public long UsersWithoutEnoughBehaviours { get; set; }

    /// <summary>Rows of those users.</summary>
    public long RowsOfDroppedUsers { get; set; }

    /// <summary>The minimum behaviours per user.</summary>
    public int MinBehaviours { get; set; }

    /// <summary>Rows kept: behaviours, or for labelled impressions the impressions.</summary>
    public long RowsKept { get; set; }

    /// <summary>Notes on feature tables and features (missing rows, missing and unseen values).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Adds a note.</summary>
    public void Note(string line) => _notes.Add(line);

    /// <summary>The report as lines of text.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string> { F($"data check: {RowsRead:N0} rows read, {RowsKept:N0} kept") };
        void Dropped(long count, string why)
        {
            if (count > 0)
            {
                lines.Add(F($"  dropped {count:N0}: {why}"));
            }
        }

        Dropped(MalformedLines, "malformed lines (DuckDB could not parse them)");
        Dropped(MissingIds, "missing user or item id");
        Dropped(MalformedTimes, "missing or malformed time");
        Dropped(MalformedLabels, "missing or malformed label (not 0/1)");
        Dropped(TimeOutOfRange, "time out of range");
        Dropped(UnknownUsers, "user not in the user table");
        Dropped(UnknownItems, "item not in the item table");
        Dropped(NegativeRows, "labelled 0 (next-behaviour keeps positives only)");
        if (Duplicates > 0)
        {
            lines.Add(F($"  {(DuplicatesDropped ? "dropped" : "kept")} {Duplicates:N0}: duplicate events (same user, item, time and label)"));
        }

        if (UsersWithoutEnoughBehaviours > 0)
        {
            lines.Add(F($"  dropped {UsersWithoutEnoughBehaviours:N0} users with fewer than {MinBehaviours} behaviours ({RowsOfDroppedUsers:N0} rows)"));
        }

        lines.AddRange(_notes.Select(n => "  " + n));
        return lines;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var line in Lines())
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
