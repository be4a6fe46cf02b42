namespace FitCluster.Training.Models;

/// <summary>The soft query's softmax temperature τ as a function of the global training step.</summary>
/// <param name="Threshold">Steps over which τ decays linearly from 1 (FIT §5.1.4: the steps in one epoch).</param>
/// <param name="Floor">The constant τ reached after the decay (0.001).</param>
public readonly record struct TemperatureSchedule(long Threshold, double Floor = 0.001)
{
    /// <summary>τ at the given 0-based global step.</summary>
    public double At(long step)
    {
        if (Threshold <= 0)
        {
            throw new InvalidOperationException($"Temperature threshold must be positive, got {Threshold}.");
        }

        // FIT, eq. 23: τ = max(min(1.0, 1 − training_steps / threshold), 0.001)
        return Math.Max(Math.Min(1.0, 1.0 - ((double)step / Threshold)), Floor);
    }
}
