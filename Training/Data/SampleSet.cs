namespace FitCluster.Training.Data;

/// <summary>
/// Labelled (user, history, candidate) samples in structure-of-arrays form. A sample's behaviour sequence is not
/// copied: it is the window of the user's behaviours just before <see cref="Position"/>, truncated to the latest
/// <c>maxSequenceLength</c> (see <see cref="SampleSplits.MaxSequenceLength"/>).
/// </summary>
public sealed class SampleSet
{
    /// <summary>Creates a set over the given columns, which must all have the same length.</summary>
    public SampleSet(int[] user, int[] position, int[] item, float[] label)
    {
        if (position.Length != user.Length || item.Length != user.Length || label.Length != user.Length)
        {
            throw new ArgumentException(
                $"Sample columns differ in length: user {user.Length}, position {position.Length}, item {item.Length}, label {label.Length}.");
        }

        User = user;
        Position = position;
        Item = item;
        Label = label;
    }

    /// <summary>Number of samples.</summary>
    public int Count => User.Length;

    /// <summary>User index of each sample.</summary>
    public int[] User { get; }

    /// <summary>
    /// Index into <see cref="InteractionLog.BehaviourItems"/> of the target (T-th) behaviour: the sample's history is
    /// the user's behaviours strictly before it. For samples read from a file (Taobao page views) it is the index of the
    /// user's first behaviour at or after the sample's time, and may be the end of the user's range.
    /// </summary>
    public int[] Position { get; }

    /// <summary>Candidate item index: the T-th behaviour's item (label 1) or a sampled never-rated item (label 0); for
    /// Taobao, the page view's ad group.</summary>
    public int[] Item { get; }

    /// <summary>1 for the positive, 0 for the sampled negative; for Taobao, the page view's <c>clk</c>.</summary>
    public float[] Label { get; }
}
