namespace FitCluster.Training.Data;

/// <summary>The paper's protocol applied to an <see cref="InteractionLog"/>: train / validation / test samples.</summary>
/// <param name="Log">The interactions the samples index into.</param>
/// <param name="Train">Samples from every behaviour position but the user's last, minus validation.</param>
/// <param name="Validation">A seeded random 20% of the train positions (both samples of a position move together).</param>
/// <param name="Test">Each user's last behaviour: one positive and one negative per user.</param>
/// <param name="MaxSequenceLength">History truncation (the latest 50 behaviours in the paper).</param>
public sealed record SampleSplits(InteractionLog Log, SampleSet Train, SampleSet Validation, SampleSet Test, int MaxSequenceLength);
