namespace FitCluster.Training.Data;

/// <summary>
/// A dataset as the paper's protocol sees it: user features, item features and every user's behaviours in
/// chronological order. Everything is held in flat arrays (no per-behaviour objects).
/// </summary>
/// <remarks>
/// <para>Users are dense indices <c>0..UserCount-1</c>. Items are dense indices <c>1..ItemVocabSize-1</c>; item index 0
/// is the padding item (used to pad behaviour sequences) and never appears as a behaviour or a candidate.</para>
/// <para>Behaviours are CSR: user <c>u</c>'s behaviours are <c>BehaviourItems[BehaviourOffsets[u]..BehaviourOffsets[u+1]]</c>,
/// oldest first.</para>
/// </remarks>
public sealed class InteractionLog
{
    /// <summary>Dataset name as used on the command line and in metrics (<c>ml-1m</c>, <c>synthetic</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Number of users; user indices are 0-based.</summary>
    public required int UserCount { get; init; }

    /// <summary>User features, each single-valued (<c>Width</c> = 1) with <c>UserCount</c> rows; the first is the user id.</summary>
    public required IReadOnlyList<CategoricalField> UserFields { get; init; }

    /// <summary>Number of item indices including the padding index 0 (= item count + 1).</summary>
    public required int ItemVocabSize { get; init; }

    /// <summary>
    /// Item features other than the item id, each with <c>ItemVocabSize</c> rows (row 0 all zeros). The item id
    /// itself is the item index and is not repeated here.
    /// </summary>
    public required IReadOnlyList<CategoricalField> ItemFields { get; init; }

    /// <summary>
    /// Names of the <see cref="ItemFields"/> that, together with the item id, form the item attribute embedding
    /// e_c (FIT, eq. 4) and each behaviour's embedding in the user's sequence. Other item fields feed only the item tower.
    /// </summary>
    public required IReadOnlyList<string> SequenceItemFields { get; init; }

    /// <summary>CSR offsets into <see cref="BehaviourItems"/>, length <c>UserCount + 1</c>.</summary>
    public required int[] BehaviourOffsets { get; init; }

    /// <summary>Item index of every behaviour, grouped by user, chronological within a user.</summary>
    public required int[] BehaviourItems { get; init; }

    /// <summary>Sorted distinct item indices that occur in some behaviour: the universe negatives are drawn from.</summary>
    public required int[] ActiveItems { get; init; }

    /// <summary>
    /// The dataset's own id of each item index (what a serving request sends), length <see cref="ItemVocabSize"/>, with
    /// an empty key for the padding index 0. Null when the dataset has no raw ids: the index itself is the key.
    /// </summary>
    public IReadOnlyList<string>? ItemKeys { get; init; }

    /// <summary>The key of item index <paramref name="item"/> (≥ 1).</summary>
    public string ItemKey(int item) => ItemKeys?[item] ?? item.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Behaviour count of user <paramref name="userIndex"/>.</summary>
    public int BehaviourCount(int userIndex) => BehaviourOffsets[userIndex + 1] - BehaviourOffsets[userIndex];

    /// <summary>Sorted distinct item indices among <paramref name="behaviourItems"/> (the <see cref="ActiveItems"/> of a log).</summary>
    /// <param name="behaviourItems">Item indices in <c>1..itemVocabSize-1</c>.</param>
    /// <param name="itemVocabSize">Item indices including padding 0.</param>
    public static int[] DistinctItems(int[] behaviourItems, int itemVocabSize)
    {
        ArgumentNullException.ThrowIfNull(behaviourItems);
        var seen = new bool[itemVocabSize];
        var count = 0;
        foreach (var item in behaviourItems)
        {
            if (!seen[item])
            {
                seen[item] = true;
                count++;
            }
        }

        var distinct = new int[count];
        var next = 0;
        for (var item = 1; item < itemVocabSize; item++)
        {
            if (seen[item])
            {
                distinct[next++] = item;
            }
        }

        return distinct;
    }
}
