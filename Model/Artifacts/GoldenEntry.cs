namespace FitCluster.Model.Artifacts;

/// <summary>The golden file and the tolerance serving must meet on it.</summary>
/// <param name="File">File name inside the artifact folder.</param>
/// <param name="Pairs">User–item pairs it holds.</param>
/// <param name="Tolerance">Largest allowed absolute difference of a score (logit) from the trainer's.</param>
public sealed record GoldenEntry(string File, int Pairs, double Tolerance);
